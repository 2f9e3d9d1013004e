#!/usr/bin/env node
// The local stack without Docker: every part of OTUS Contract as a plain process.
//   node stack/stack.mjs up [component…]     install what is missing, build, start, wait until ready
//                                            (--no-build: start what is built as it is; --cluster: two
//                                            engine nodes behind a balancer and two processes of every
//                                            service, as the Helm chart deploys; --single: the default)
//   node stack/stack.mjs down [component…]   stop what `up` started (pid files), in reverse order
//   node stack/stack.mjs status              every component of the recorded topology, and who polls which engine node
//   node stack/stack.mjs tools               install the pinned tools the tests run (npm test does this first)
// Only Node's standard library is used here: this script runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv, substitute } from './lib/env.mjs';
import { buildIfStale, ensureSystemPackages, postgresBin, run } from './lib/install.mjs';
import { ensureTestTools } from './lib/tools.mjs';
import { httpOk, portOpen, Processes, waitUntil } from './lib/processes.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STATE = join(ROOT, '.stack');
const ENV_JSON = join(STATE, 'env.json');
const env = loadEnv(join(ROOT, 'stack/stack.env'));
const processes = new Processes(STATE);
const isRoot = process.getuid?.() === 0;
// PostgreSQL refuses to run as root; the Debian package's own user owns its files here.
const PG_OS_USER = isRoot ? 'postgres' : undefined;
const SERVICES = ['user', 'contract', 'course', 'promo', 'notification'];
const ENGINE_JAR = join(ROOT, 'engine/target/otus-engine.jar');
const MONGO_BIN = join(STATE, 'bin/mongo-server');
const SEAL_DIR = join(STATE, 'seal');
// Relative in stack.env, absolute for the processes and for tests reading .stack/env.json.
env.CONTRACT_SEAL_P12_FILE = resolve(ROOT, env.CONTRACT_SEAL_P12_FILE);

const port = (name) => Number(env[`${name}_PORT`]);
const local = (p) => `http://${env.STACK_HOST}:${p}`;
const processEnv = () => ({ ...process.env, ...env });

/**
 * The topologies `up` can start (docs/local-stack.md): `single`, one process of everything (the
 * default), and `cluster`, what the Helm chart deploys: two engine nodes on the one PostgreSQL
 * behind a balancer (engine-lb, as a Kubernetes Service) and two processes of every service.
 */
const TOPOLOGIES = ['single', 'cluster'];
const ENGINE_NODES = [
  { name: 'engine', node: 'engine-1', portName: 'ENGINE' },
  { name: 'engine-2', node: 'engine-2', portName: 'ENGINE_2' },
];

/** What differs in the settings between the topologies; written to .stack/env.json with the rest. */
function configure(topology) {
  const nodes = topology === 'cluster' ? ENGINE_NODES : ENGINE_NODES.slice(0, 1);
  env.STACK_TOPOLOGY = topology;
  // Every node's REST API, addressed directly (tests use them to talk to one node).
  env.ENGINE_NODE_URLS = nodes.map((n) => `${local(port(n.portName))}/engine-rest`).join(',');
  // On the cluster the services reach the engine through the balancer, as pods through the
  // engine's Service; a CAMUNDA_REST_URL given in the environment still wins, as for any key.
  if (topology === 'cluster') {
    env.CAMUNDA_REST_URL = process.env.CAMUNDA_REST_URL ?? `${local(port('ENGINE_LB'))}/engine-rest`;
  }
}

/**
 * Each part of the stack: how to start it and how to tell it is ready, in start order (`down`
 * stops in reverse). `after`: the components that must be ready before this one starts, when
 * they start in the same `up`.
 */
function componentsOf(topology) {
  const cluster = topology === 'cluster';
  return [
    {
      name: 'postgres',
      port: port('PG'),
      prepare: preparePostgres,
      start: () =>
        processes.start(
          'postgres',
          join(postgresBin(), 'postgres'),
          [
            '-D',
            join(STATE, 'postgres/data'),
            '-p',
            String(port('PG')),
            '-c',
            `listen_addresses=${env.STACK_HOST}`,
            '-c',
            `unix_socket_directories=${join(STATE, 'postgres/run')}`,
            // Local data is disposable; skipping fsync keeps tests fast. A restarted server still recovers from WAL.
            '-c',
            'fsync=off',
            '-c',
            'max_connections=200',
          ],
          { user: PG_OS_USER },
        ),
      ready: () => pgReady(),
      afterReady: createDatabases,
      stopSignal: 'SIGINT', // PostgreSQL's "fast" shutdown
      after: [],
    },
    {
      name: 'mongo',
      port: port('MONGO'),
      start: () =>
        // FerretDB's PostgreSQL backend: equality filters run in PostgreSQL, where SQLite's scanned every
        // document in Go (docs/mongo-server.md). The URL goes by environment, so `ps` shows no password.
        processes.start(
          'mongo',
          MONGO_BIN,
          ['--listen-addr', `${env.STACK_HOST}:${port('MONGO')}`, '--handler', 'postgresql'],
          {
            env: {
              ...processEnv(),
              FERRETDB_POSTGRESQL_URL: `postgres://${env.PG_USER}:${env.PG_PASSWORD}@${env.STACK_HOST}:${port('PG')}/mongo`,
            },
          },
        ),
      ready: () => portOpen(port('MONGO'), env.STACK_HOST),
    },
    {
      name: 'mail',
      port: port('SMTP'),
      start: () =>
        processes.start(
          'mail',
          process.execPath,
          [
            join(ROOT, 'node_modules/maildev/dist/bin/maildev.js'),
            '--ip',
            env.STACK_HOST,
            '--web-ip',
            env.STACK_HOST,
            '--smtp',
            String(port('SMTP')),
            '--web',
            String(port('MAIL_WEB')),
            '--mail-directory',
            join(STATE, 'mail'),
          ],
          { env: processEnv() },
        ),
      ready: () => httpOk(`${local(port('MAIL_WEB'))}/api/email`),
    },
    engineNode(ENGINE_NODES[0]),
    // The second node only once the first is ready: two nodes creating the schema on an empty
    // database at once race, and one fails (docs/kubernetes.md).
    ...(cluster ? [{ ...engineNode(ENGINE_NODES[1]), after: ['postgres', 'engine'] }] : []),
    ...(cluster
      ? [
          {
            name: 'engine-lb',
            port: port('ENGINE_LB'),
            prepare: prepareEngineBalancer,
            start: () => processes.start('engine-lb', '/usr/sbin/nginx', nginxArgs('engine-lb')),
            ready: () => portOpen(port('ENGINE_LB'), env.STACK_HOST),
            // Fast shutdown: a graceful one would wait for the workers' open long polls.
            stopSignal: 'SIGTERM',
            after: ['postgres', 'engine'],
          },
        ]
      : []),
    // The RFC 3161 timestamp authority stand-in: only when CONTRACT_SEAL_TSA_URL is set (off by default).
    ...(env.CONTRACT_SEAL_TSA_URL
      ? [
          {
            name: 'tsa',
            port: port('TSA'),
            prepare: prepareSealCertificates,
            start: () =>
              processes.start(
                'tsa',
                process.execPath,
                [
                  join(ROOT, 'stack/tsa/tsa-server.mjs'),
                  '--dir',
                  SEAL_DIR,
                  '--host',
                  env.STACK_HOST,
                  '--port',
                  String(port('TSA')),
                ],
                { cwd: ROOT, env: processEnv() },
              ),
            ready: () => portOpen(port('TSA'), env.STACK_HOST),
          },
        ]
      : []),
    ...SERVICES.map((service) => serviceProcess(service, 1)),
    // Each second process once its first is ready: both would run the migrations on one database at once.
    ...(cluster ? SERVICES.map((service) => serviceProcess(service, 2)) : []),
    {
      name: 'gateway',
      port: port('GATEWAY'),
      prepare: () => prepareGateway(topology),
      start: () => processes.start('gateway', '/usr/sbin/nginx', nginxArgs('nginx')),
      ready: () => httpOk(`${env.GATEWAY_URL}/healthz`),
      stopSignal: 'SIGQUIT', // graceful: finish open requests
    },
    {
      name: 'prometheus',
      port: port('PROMETHEUS'),
      prepare: () => preparePrometheus(topology),
      start: () =>
        processes.start('prometheus', 'prometheus', [
          `--config.file=${join(STATE, 'prometheus/prometheus.yml')}`,
          `--storage.tsdb.path=${join(STATE, 'prometheus/data')}`,
          `--web.listen-address=${env.STACK_HOST}:${port('PROMETHEUS')}`,
          '--web.enable-lifecycle',
        ]),
      ready: () => httpOk(`${env.PROMETHEUS_URL}/-/ready`),
    },
  ].map((c) => ({ after: ['postgres'], ...c }));
}

/** One engine node: the built jar (a copy per node) with the stack's settings, its own port and name. */
function engineNode({ name, node, portName }) {
  const nodePort = port(portName);
  const jar = join(STATE, 'bin', name === 'engine' ? 'otus-engine.jar' : `otus-${name}.jar`);
  return {
    name,
    port: nodePort,
    engineNode: true,
    start: () => {
      // Run a copy: a rebuild of the jar under a running JVM breaks its class loading. One copy
      // per node, replaced by a rename, so that restarting one node never rewrites the other's jar.
      copyFileSync(ENGINE_JAR, `${jar}.new`);
      renameSync(`${jar}.new`, jar);
      return processes.start(name, 'java', [...env.ENGINE_JAVA_OPTS.split(/\s+/), '-jar', jar], {
        cwd: ROOT,
        env: {
          ...processEnv(),
          ENGINE_PORT: String(nodePort),
          ENGINE_NODE_NAME: node,
          ENGINE_BPMN_DIR: join(ROOT, 'bpmn'),
          // Only for H2, which the stack does not use (ENGINE_DB_URL is PostgreSQL); one per node all the same.
          ENGINE_DATA_DIR: join(STATE, name),
          // A developer machine: the stack's own passwords (stack.env) are accepted.
          SPRING_PROFILES_ACTIVE: 'local',
        },
      });
    },
    // The REST API wants credentials; the actuator's readiness does not.
    ready: () => httpOk(`${local(nodePort)}/actuator/health/readiness`),
    timeoutMs: 180_000,
  };
}

const nodeArgs = () => (process.env.STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);

/**
 * Process `index` (1 or 2) of a service: `user`, `user-2`, …; each with its own API and metrics
 * port (USER_PORT / USER_2_PORT, …), passed as the <SERVICE>_PORT and <SERVICE>_METRICS_PORT it reads.
 */
function serviceProcess(service, index) {
  const name = index === 1 ? service : `${service}-${index}`;
  const key = index === 1 ? service.toUpperCase() : `${service.toUpperCase()}_${index}`;
  const apiPort = port(key);
  return {
    name,
    port: apiPort,
    prepare: service === 'contract' ? prepareSealCertificates : undefined,
    start: () =>
      // STACK_NODE_ARGS: node options NODE_OPTIONS refuses, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (bench/README.md).
      processes.start(name, process.execPath, [...nodeArgs(), join(ROOT, `services/${service}/dist/main.js`)], {
        cwd: ROOT,
        env: {
          ...processEnv(),
          [`${service.toUpperCase()}_PORT`]: String(apiPort),
          [`${service.toUpperCase()}_METRICS_PORT`]: String(port(`${key}_METRICS`)),
        },
      }),
    ready: () => httpOk(`${local(apiPort)}/health`),
    timeoutMs: 180_000,
    ...(index > 1 && { after: ['postgres', service] }),
  };
}

/** nginx in the foreground on a config of its own under .stack/<dir>/ (the gateway: nginx/). */
function nginxArgs(dir) {
  return ['-p', join(STATE, dir), '-c', 'nginx.conf', '-g', 'daemon off;'];
}

function postgresDir(...parts) {
  return join(STATE, 'postgres', ...parts);
}

function asPgUser(command, args, options = {}) {
  const [file, argv] = PG_OS_USER
    ? ['setpriv', [`--reuid=${PG_OS_USER}`, `--regid=${PG_OS_USER}`, '--init-groups', '--', command, ...args]]
    : [command, args];
  return spawnSync(file, argv, { encoding: 'utf8', ...options });
}

function preparePostgres() {
  for (const dir of ['data', 'run']) mkdirSync(postgresDir(dir), { recursive: true });
  if (PG_OS_USER) {
    const uid = Number(spawnSync('id', ['-u', PG_OS_USER], { encoding: 'utf8' }).stdout);
    const gid = Number(spawnSync('id', ['-g', PG_OS_USER], { encoding: 'utf8' }).stdout);
    for (const dir of ['', 'data', 'run']) chownSync(postgresDir(dir), uid, gid);
  }
  if (existsSync(postgresDir('data/PG_VERSION'))) return;
  const init = asPgUser(join(postgresBin(), 'initdb'), [
    '-D',
    postgresDir('data'),
    '--username=postgres',
    '--auth-local=trust', // the superuser reaches it only through the socket in .stack/
    '--auth-host=scram-sha-256',
    '--encoding=UTF8',
    '--locale=C.UTF-8',
    '--no-instructions',
  ]);
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
}

function psql(sql, database = 'postgres') {
  return asPgUser(
    join(postgresBin(), 'psql'),
    [
      '-h',
      postgresDir('run'),
      '-p',
      String(port('PG')),
      '-U',
      'postgres',
      '-d',
      database,
      '-v',
      'ON_ERROR_STOP=1',
      '-qAt',
    ],
    {
      input: sql,
    },
  );
}

async function pgReady() {
  return psql('SELECT 1').status === 0;
}

/** One database per service plus the engine's, owned by the application role. Safe to repeat. */
function createDatabases() {
  // `mongo`: the Mongo-protocol server's own storage.
  const databases = ['otus_user', 'otus_course', 'otus_promo', 'otus_notification', 'camunda', 'mongo'];
  const sql = [
    `SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', '${env.PG_USER}', '${env.PG_PASSWORD}') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${env.PG_USER}') \\gexec`,
    `ALTER ROLE ${env.PG_USER} CREATEDB;`, // tests create throw-away databases to run migrations from empty
    ...databases.map(
      (db) =>
        `SELECT 'CREATE DATABASE ${db} OWNER ${env.PG_USER}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${db}') \\gexec`,
    ),
  ].join('\n');
  const result = psql(sql);
  if (result.status !== 0) throw new Error(`creating databases failed:\n${result.stderr}`);
  // Indexes FerretDB's lookups can use (stack/mongo/indexes.sql).
  const indexes = psql(readFileSync(join(ROOT, 'stack/mongo/indexes.sql'), 'utf8'), 'mongo');
  if (indexes.status !== 0) throw new Error(`preparing the mongo database failed:\n${indexes.stderr}`);
}

/**
 * Development certificates for the contract seal, made once with openssl into .stack/seal/: a CA,
 * the seal's PKCS#12 (CONTRACT_SEAL_P12_FILE, passphrase CONTRACT_SEAL_P12_PASSPHRASE) and the TSA
 * stand-in's certificate. Their O is "OTUS Contract development", which the contract service
 * refuses under NODE_ENV=production. Delete .stack/seal/ to make new ones.
 */
function prepareSealCertificates() {
  const org = 'OTUS Contract development';
  // Arguments as one line, split on spaces; `extra` for those with spaces in them.
  const openssl = (line, ...extra) => {
    const args = [...line.split(' '), ...extra];
    const result = spawnSync('openssl', args, { cwd: SEAL_DIR, env: processEnv(), encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${result.stderr}`);
  };
  /** name.key and name.crt: self-signed for the CA, issued by the CA otherwise. */
  const issue = (name, subject, days, extensions) => {
    writeFileSync(join(SEAL_DIR, `${name}.ext`), [...extensions, 'subjectKeyIdentifier=hash', ''].join('\n'));
    openssl(
      `req -new -newkey rsa:3072 -nodes -keyout ${name}.key -out ${name}.csr`,
      '-subj',
      `/O=${org}/CN=${subject}`,
    );
    const signer = name === 'ca' ? '-signkey ca.key' : '-CA ca.crt -CAkey ca.key -CAcreateserial';
    openssl(`x509 -req -in ${name}.csr ${signer} -days ${days} -sha256 -extfile ${name}.ext -out ${name}.crt`);
  };
  mkdirSync(SEAL_DIR, { recursive: true, mode: 0o700 });
  if (!existsSync(join(SEAL_DIR, 'ca.crt'))) {
    issue('ca', `${org} CA`, 3650, ['basicConstraints=critical,CA:true', 'keyUsage=critical,keyCertSign,cRLSign']);
  }
  if (!existsSync(env.CONTRACT_SEAL_P12_FILE)) {
    issue('seal', 'OTUS Contract seal (development)', 825, [
      'basicConstraints=critical,CA:false',
      'keyUsage=critical,digitalSignature,nonRepudiation',
    ]);
    openssl(
      'pkcs12 -export -inkey seal.key -in seal.crt -certfile ca.crt -passout env:CONTRACT_SEAL_P12_PASSPHRASE -out',
      env.CONTRACT_SEAL_P12_FILE,
    );
  }
  if (!existsSync(join(SEAL_DIR, 'tsa.crt'))) {
    issue('tsa', 'OTUS Contract TSA (development)', 825, [
      'basicConstraints=critical,CA:false',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=critical,timeStamping',
    ]);
    copyFileSync(join(SEAL_DIR, 'ca.crt'), join(SEAL_DIR, 'chain.crt')); // what tsa-server puts into tokens
  }
}

/** Renders a config template from the repo with the stack's values into .stack/. */
function render(template, target, extra = {}) {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, substitute(readFileSync(join(ROOT, template), 'utf8'), { ...env, ...extra }));
}

/**
 * The gateway: the repo's template with the stack's addresses. On the cluster topology each
 * upstream lists every process of its service (round robin per request, as an Ingress balances
 * pods) and the engine's lists both nodes. The template has one `server ${X_UPSTREAM};` line per
 * upstream (compose and its tests fill it with one address), so the value carries the further
 * `server` lines (and the engine's balancing method) itself: "a:1; server a:2".
 */
function prepareGateway(topology) {
  const prefix = join(STATE, 'nginx');
  mkdirSync(join(prefix, 'conf.d'), { recursive: true });
  const cluster = topology === 'cluster';
  const servers = (...keys) => keys.map((key) => `${env.STACK_HOST}:${port(key)}`).join('; server ');
  const upstreams = Object.fromEntries(
    SERVICES.map((name) => {
      const key = name.toUpperCase();
      return [`${key}_UPSTREAM`, cluster ? servers(key, `${key}_2`) : servers(key)];
    }),
  );
  // Cockpit's login session lives in one engine node's memory, so a browser must stay on one
  // node: the Ingress does it with a cookie of its own (helm: affinity "cookie"), which NGINX
  // without NGINX Plus cannot set. JSESSIONID does not do: the request that creates the session
  // carries none, so it and the next ones would hash to different nodes half the time. Hashing
  // the client's address keeps each browser (and each client address) on one node instead.
  upstreams.ENGINE_UPSTREAM = cluster
    ? `${servers('ENGINE', 'ENGINE_2')}; hash $remote_addr consistent`
    : servers('ENGINE');
  render('gateway/gateway.conf.template', join(prefix, 'conf.d/gateway.conf'), {
    ...upstreams,
    GATEWAY_LISTEN: `${env.STACK_HOST}:${port('GATEWAY')}`,
    GATEWAY_ACCESS_LOG: join(STATE, 'logs/gateway-access.log'),
  });
  // The main file only says where this local instance keeps its pid, logs and temp files.
  writeNginxConf(prefix, {
    component: 'gateway',
    pidFile: 'nginx-master.pid',
    workers: 2,
    http: ['include /etc/nginx/mime.types;', 'include conf.d/*.conf;'],
  });
}

/**
 * <prefix>/nginx.conf of a local NGINX instance (nginxArgs): where it keeps its pid, error log
 * (the component's log) and temp files, and the `http` block's lines; the temp directory is made.
 */
function writeNginxConf(prefix, { component, pidFile, workers, http }) {
  mkdirSync(join(prefix, 'temp'), { recursive: true });
  writeFileSync(
    join(prefix, 'nginx.conf'),
    [
      isRoot ? 'user www-data;' : '',
      `worker_processes ${workers};`,
      `pid ${join(STATE, 'run', pidFile)};`,
      `error_log ${processes.logFile(component)} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${join(prefix, 'temp', t)};`,
      ),
      ...http.map((line) => `  ${line}`),
      '}',
      '',
    ].join('\n'),
  );
  if (isRoot) spawnSync('chown', ['-R', 'www-data:', join(prefix, 'temp')]);
}

/**
 * engine-lb (cluster topology): the engine nodes behind one address, balanced as a Kubernetes
 * Service balances pods. kube-proxy picks a pod per TCP connection, not per request, so a
 * worker's keep-alive connection, and every long poll on it, stays on one node: hashing the
 * client's address and port picks one node per connection too. Headers pass as they come; none
 * is added. Above all no X-Forwarded-For: the engine refuses the services' accounts on a request
 * that carries it (InsideOnlyServiceAccounts: it came through the public gateway).
 */
function prepareEngineBalancer() {
  writeNginxConf(join(STATE, 'engine-lb'), {
    component: 'engine-lb',
    pidFile: 'engine-lb-nginx.pid',
    workers: 1,
    http: [
      `log_format engine_lb '$remote_addr:$remote_port [$time_local] "$request" $status $request_time -> $upstream_addr';`,
      `access_log ${join(STATE, 'logs/engine-lb-access.log')} engine_lb;`,
      'upstream engine_nodes {',
      '  hash $remote_addr$remote_port consistent;',
      // max_fails=0: no passive health state. A node that refuses connections (stopped, killed,
      // still starting) is skipped for the next one on every request, and gets its connections
      // back as soon as it accepts again, as a Service's endpoints follow the pods.
      ...ENGINE_NODES.map((n) => `  server ${env.STACK_HOST}:${port(n.portName)} max_fails=0;`),
      // Idle connections to a node close here (60 s) before the engine closes them (75 s).
      '  keepalive 32;',
      '  keepalive_timeout 60s;',
      '}',
      'server {',
      `  listen ${env.STACK_HOST}:${port('ENGINE_LB')};`,
      '  server_tokens off;',
      // A client connection stays open as long as the client keeps it: kube-proxy does not close them either.
      '  keepalive_timeout 75s;',
      '  keepalive_requests 1000000;',
      '  client_max_body_size 0;',
      '  location / {',
      '    proxy_pass http://engine_nodes;',
      '    proxy_http_version 1.1;',
      '    proxy_set_header Connection "";',
      '    proxy_set_header Host $http_host;',
      // Longer than a worker's long poll (20 s) and its own request timeout (30 s).
      '    proxy_read_timeout 75s;',
      '    proxy_send_timeout 75s;',
      '    proxy_connect_timeout 5s;',
      '    proxy_buffering off;',
      '    add_header X-Engine-Upstream $upstream_addr always;',
      '  }',
      '}',
    ],
  });
}

/**
 * The repo's prometheus/prometheus.yml, linked (not copied) into .stack/prometheus/, reads its
 * targets from targets/*.json beside the link: written here with the stack's hosts and ports
 * (on the cluster topology both processes of every service and both engine nodes).
 */
function preparePrometheus(topology) {
  const dir = join(STATE, 'prometheus');
  mkdirSync(join(dir, 'targets'), { recursive: true });
  rmSync(join(dir, 'prometheus.yml'), { force: true });
  symlinkSync(join(ROOT, 'prometheus/prometheus.yml'), join(dir, 'prometheus.yml'));
  // rule_files in prometheus.yml are relative to the link, so the rules go beside it too.
  rmSync(join(dir, 'rules'), { force: true });
  symlinkSync(join(ROOT, 'prometheus/rules'), join(dir, 'rules'));
  const cluster = topology === 'cluster';
  const target = (name) => `${env.STACK_HOST}:${port(name.toUpperCase())}`;
  const write = (file, groups) => writeFileSync(join(dir, 'targets', file), `${JSON.stringify(groups, null, 2)}\n`);
  const services = SERVICES.map((s) => ({
    targets: cluster ? [target(`${s}_METRICS`), target(`${s}_2_METRICS`)] : [target(`${s}_METRICS`)],
    labels: { service: s },
  }));
  write('services.json', services);
  write('engine.json', [{ targets: cluster ? [target('engine'), target('engine_2')] : [target('engine')] }]);
  write('prometheus.json', [{ targets: [target('prometheus')] }]);
}

/** npm packages, TypeScript output, the engine jar and the Mongo-protocol server: rebuilt only when stale. */
function build() {
  const lock = join(ROOT, 'package-lock.json');
  const installed = join(ROOT, 'node_modules/.package-lock.json');
  if (!existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs) {
    console.log('installing npm packages');
    // Not `npm ci`: npm records only this platform's native optional packages (@swc/core-*,
    // @unrs/resolver-*) in the lock and then refuses it as out of sync (npm/cli#4828, #8320).
    // `npm install` keeps every locked version and fills in the missing platform entries.
    run('npm', ['install', '--no-audit', '--no-fund'], { cwd: ROOT });
  }
  run('npm', ['run', '--silent', 'build'], { cwd: ROOT });
  buildIfStale('the engine', ENGINE_JAR, [join(ROOT, 'engine/pom.xml'), join(ROOT, 'engine/src')], () =>
    run('mvn', ['-B', '-q', '-f', join(ROOT, 'engine/pom.xml'), 'package', '-DskipTests'], { cwd: ROOT }),
  );
  buildIfStale('the Mongo-protocol server', MONGO_BIN, [join(ROOT, 'stack/mongo')], () =>
    run('go', ['build', '-o', MONGO_BIN, '.'], { cwd: join(ROOT, 'stack/mongo') }),
  );
}

/** The topology the last `up` recorded in .stack/env.json (single before any). */
function recordedTopology() {
  try {
    const recorded = JSON.parse(readFileSync(ENV_JSON, 'utf8')).STACK_TOPOLOGY;
    return TOPOLOGIES.includes(recorded) ? recorded : 'single';
  } catch {
    return 'single';
  }
}

/** Names of the components of `list` whose recorded process runs. */
const runningOf = (list) => list.filter((c) => processes.running(c.name)).map((c) => c.name);

/** The recorded topology, or the cluster when a part only it has runs whatever the record says. */
function currentTopology() {
  const single = new Set(componentsOf('single').map((c) => c.name));
  const clusterOnly = componentsOf('cluster').filter((c) => !single.has(c.name));
  return runningOf(clusterOnly).length ? 'cluster' : recordedTopology();
}

function select(list, names, topology) {
  if (names.length === 0) return list;
  const unknown = names.filter((n) => !list.some((c) => c.name === n));
  if (unknown.length) {
    const clusterOnly = unknown.every((n) => componentsOf('cluster').some((c) => c.name === n));
    throw new Error(
      `Unknown component(s): ${unknown.join(', ')}` +
        (clusterOnly && topology === 'single' ? ' on the single topology (they run with up --cluster)' : '') +
        `. Known: ${list.map((c) => c.name).join(', ')}`,
    );
  }
  return list.filter((c) => names.includes(c.name));
}

/**
 * The topology `up` starts: while any part of the stack runs, the one that runs (asking for the
 * other is refused: `down` first); else --cluster or --single, else the recorded one for named
 * components and single for the whole stack.
 */
function topologyForUp(names) {
  const requested = flags.has('--cluster') ? 'cluster' : flags.has('--single') ? 'single' : undefined;
  if (flags.has('--cluster') && flags.has('--single')) throw new Error('--cluster or --single, not both');
  const running = runningOf(componentsOf('cluster'));
  if (running.length === 0) return requested ?? (names.length ? recordedTopology() : 'single');
  const current = currentTopology();
  if (requested && requested !== current) {
    throw new Error(
      `the ${current} topology runs (${running.join(', ')}); stop it first with \`npm run stack:down\`, ` +
        `then \`npm run stack:up${requested === 'cluster' ? ' -- --cluster' : ''}\``,
    );
  }
  return current;
}

async function up(names) {
  const topology = topologyForUp(names);
  configure(topology);
  const selected = select(componentsOf(topology), names, topology);
  ensureSystemPackages();
  if (!flags.has('--no-build')) build();
  writeFileSync(ENV_JSON, JSON.stringify(env, null, 2));
  if (topology === 'cluster') console.log('topology: cluster');
  // Each component starts once those it comes after (`after`) are ready, when they start here
  // too: PostgreSQL first (the engine and three services need their databases to exist).
  const started = new Map();
  for (const c of selected) {
    const before = c.after.map((name) => started.get(name)).filter(Boolean);
    started.set(
      c.name,
      Promise.all(before).then(async () => {
        await launch(c);
        await awaitReady(c);
      }),
    );
  }
  await Promise.all(started.values());
  console.log('\nstack is up');
  printUrls(topology);
}

async function launch(c) {
  if (processes.running(c.name)) return;
  if (await portOpen(c.port, env.STACK_HOST)) {
    throw new Error(
      `${c.name}: port ${c.port} is taken by a process this stack did not start; stop it or change stack/stack.env`,
    );
  }
  c.prepare?.();
  c.started = true;
  c.start();
}

async function awaitReady(c) {
  const t0 = Date.now();
  await waitUntil(c.name, c.ready, c.timeoutMs ?? 60_000, {
    log: processes.logFile(c.name),
    alive: () => Boolean(processes.running(c.name)),
  });
  c.afterReady?.();
  const how = c.started ? `started in ${((Date.now() - t0) / 1000).toFixed(1)} s` : 'already running';
  console.log(`  ✓ ${c.name.padEnd(14)} :${c.port}  ${how}`);
}

/** Whatever of either topology runs (the cluster's components include the single's), in reverse order. */
async function down(names) {
  for (const c of [...select(componentsOf('cluster'), names, 'cluster')].reverse()) {
    if (await processes.stop(c.name, { signal: c.stopSignal ?? 'SIGTERM' })) console.log(`  ✗ ${c.name} stopped`);
  }
}

/**
 * The long polls open on an engine node now (GET /actuator/longpolls), each named by the stack
 * component whose pid is in its worker id (<service>-<host>-<pid>-<random>); undefined when the
 * node does not answer it.
 */
async function longPolls(nodePort, componentByPid) {
  try {
    const response = await fetch(`${local(nodePort)}/actuator/longpolls`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return undefined;
    const { polls } = await response.json();
    const names = polls.map(({ workerId }) => {
      const m = /^([a-z]+)-(.+)-(\d+)-[0-9a-f]+$/.exec(workerId);
      if (!m) return workerId;
      const [, service, host, pid] = m;
      const here = host === hostname();
      return (here && componentByPid.get(Number(pid))) || `${service} (pid ${pid}${here ? '' : ` on ${host}`})`;
    });
    return [...new Set(names)].sort();
  } catch {
    return undefined;
  }
}

async function status() {
  const topology = currentTopology();
  const list = componentsOf(topology);
  const pids = new Map(list.map((c) => [c.name, processes.running(c.name)]));
  const componentByPid = new Map([...pids].filter(([, pid]) => pid).map(([name, pid]) => [pid, name]));
  const polls = await Promise.all(
    list.map((c) => (c.engineNode && pids.get(c.name) ? longPolls(c.port, componentByPid) : undefined)),
  );
  console.log(`  topology: ${topology}`);
  list.forEach((c, i) => {
    const pid = pids.get(c.name);
    const line = `  ${pid ? '●' : '○'} ${c.name.padEnd(14)} :${String(c.port).padEnd(6)} ${pid ? `pid ${pid}` : 'stopped'}`;
    const onNode = !c.engineNode || !pid ? '' : !polls[i] ? 'n/a' : polls[i].join(', ') || 'none';
    console.log(onNode ? `${line.padEnd(40)} polls: ${onNode}` : line);
  });
  return [...pids.values()].every(Boolean);
}

function printUrls(topology) {
  const cluster = topology === 'cluster';
  console.log(`
  Gateway       ${env.GATEWAY_URL}
  Cockpit       ${env.GATEWAY_URL}/camunda/  (${env.CAMUNDA_ADMIN_USER} / see stack/stack.env)
  Engine REST   ${env.GATEWAY_URL}/engine-rest/${
    cluster
      ? `
  Engine nodes  ${env.ENGINE_NODE_URLS.split(',').join(', ')}
  Workers use   ${env.CAMUNDA_REST_URL}  (engine-lb; \`npm run stack:status\` shows who polls which node)`
      : ''
  }
  Mail inbox    ${env.MAIL_WEB_URL}
  Prometheus    ${env.PROMETHEUS_URL}
  Logs          ${join(STATE, 'logs')}`);
}

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [command = 'status', ...names] = args.filter((a) => !a.startsWith('--'));
try {
  const unknownFlags = [...flags].filter((f) => !['--no-build', '--cluster', '--single'].includes(f));
  if (unknownFlags.length) throw new Error(`Unknown option(s) ${unknownFlags.join(', ')}`);
  if (command === 'up') await up(names);
  else if (command === 'down') await down(names);
  else if (command === 'status') process.exitCode = (await status()) ? 0 : 3;
  else if (command === 'tools') {
    ensureSystemPackages();
    ensureTestTools(ROOT);
  } else throw new Error(`Unknown command "${command}". Use up, down, status or tools.`);
} catch (e) {
  console.error(`stack ${command}: ${e.message}`);
  process.exitCode = 1;
}
