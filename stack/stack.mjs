#!/usr/bin/env node
// The local stack without Docker: every part of OTUS Contract as a plain process.
//   node stack/stack.mjs up [component…]     install what is missing, build, start, wait until ready
//                                            (--no-build: start what is built as it is)
//   node stack/stack.mjs down [component…]   stop what `up` started (pid files), in reverse order
//   node stack/stack.mjs status
//   node stack/stack.mjs tools               install the pinned tools the tests run (npm test does this first)
// Only Node's standard library is used here: this script runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv, substitute } from './lib/env.mjs';
import { buildIfStale, ensureSystemPackages, postgresBin, run } from './lib/install.mjs';
import { ensureTestTools } from './lib/tools.mjs';
import { httpOk, portOpen, Processes, waitUntil } from './lib/processes.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const STATE = join(ROOT, '.stack');
const env = loadEnv(join(ROOT, 'stack/stack.env'));
const processes = new Processes(STATE);
const isRoot = process.getuid?.() === 0;
// PostgreSQL refuses to run as root; the Debian package's own user owns its files here.
const PG_OS_USER = isRoot ? 'postgres' : undefined;
const SERVICES = ['user', 'contract', 'course', 'promo', 'notification'];
const ENGINE_JAR = join(ROOT, 'engine/target/otus-engine.jar');
const RUNNING_ENGINE_JAR = join(STATE, 'bin/otus-engine.jar');
const MONGO_BIN = join(STATE, 'bin/mongo-server');
const SEAL_DIR = join(STATE, 'seal');
// Relative in stack.env, absolute for the processes and for tests reading .stack/env.json.
env.CONTRACT_SEAL_P12_FILE = resolve(ROOT, env.CONTRACT_SEAL_P12_FILE);

const port = (name) => Number(env[`${name}_PORT`]);
const local = (p) => `http://${env.STACK_HOST}:${p}`;
const processEnv = () => ({ ...process.env, ...env });

/** Each part of the stack: how to start it and how to tell it is ready, in start order. */
const components = [
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
  },
  {
    name: 'mongo',
    port: port('MONGO'),
    start: () =>
      processes.start('mongo', MONGO_BIN, [
        '--listen-addr',
        `${env.STACK_HOST}:${port('MONGO')}`,
        '--data-dir',
        join(STATE, 'mongo'),
      ]),
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
  {
    name: 'engine',
    port: port('ENGINE'),
    start: () => {
      // Run a copy: a rebuild of the jar under a running JVM breaks its class loading.
      copyFileSync(ENGINE_JAR, RUNNING_ENGINE_JAR);
      return processes.start('engine', 'java', [...env.ENGINE_JAVA_OPTS.split(/\s+/), '-jar', RUNNING_ENGINE_JAR], {
        cwd: ROOT,
        env: {
          ...processEnv(),
          ENGINE_BPMN_DIR: join(ROOT, 'bpmn'),
          ENGINE_DATA_DIR: join(STATE, 'engine'),
          // A developer machine: the stack's own passwords (stack.env) are accepted.
          SPRING_PROFILES_ACTIVE: 'local',
        },
      });
    },
    // The REST API wants credentials; the actuator's readiness does not.
    ready: () => httpOk(`${local(port('ENGINE'))}/actuator/health/readiness`),
    timeoutMs: 180_000,
  },
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
  ...SERVICES.map((service) => ({
    name: service,
    port: port(service.toUpperCase()),
    prepare: service === 'contract' ? prepareSealCertificates : undefined,
    start: () =>
      processes.start(service, process.execPath, [join(ROOT, `services/${service}/dist/main.js`)], {
        cwd: ROOT,
        env: processEnv(),
      }),
    ready: () => httpOk(`${local(port(service.toUpperCase()))}/health`),
    timeoutMs: 180_000,
  })),
  {
    name: 'gateway',
    port: port('GATEWAY'),
    prepare: prepareGateway,
    start: () =>
      processes.start('gateway', '/usr/sbin/nginx', [
        '-p',
        join(STATE, 'nginx'),
        '-c',
        'nginx.conf',
        '-g',
        'daemon off;',
      ]),
    ready: () => httpOk(`${env.GATEWAY_URL}/healthz`),
    stopSignal: 'SIGQUIT', // graceful: finish open requests
  },
  {
    name: 'prometheus',
    port: port('PROMETHEUS'),
    prepare: preparePrometheus,
    start: () =>
      processes.start('prometheus', 'prometheus', [
        `--config.file=${join(STATE, 'prometheus/prometheus.yml')}`,
        `--storage.tsdb.path=${join(STATE, 'prometheus/data')}`,
        `--web.listen-address=${env.STACK_HOST}:${port('PROMETHEUS')}`,
        '--web.enable-lifecycle',
      ]),
    ready: () => httpOk(`${env.PROMETHEUS_URL}/-/ready`),
  },
];

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

function psql(sql) {
  return asPgUser(
    join(postgresBin(), 'psql'),
    ['-h', postgresDir('run'), '-p', String(port('PG')), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt'],
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
  const databases = ['otus_user', 'otus_course', 'otus_promo', 'otus_notification', 'camunda'];
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

function prepareGateway() {
  const prefix = join(STATE, 'nginx');
  for (const dir of ['conf.d', 'temp']) mkdirSync(join(prefix, dir), { recursive: true });
  const upstreams = Object.fromEntries(
    [...SERVICES, 'engine'].map((name) => [
      `${name.toUpperCase()}_UPSTREAM`,
      `${env.STACK_HOST}:${port(name.toUpperCase())}`,
    ]),
  );
  render('gateway/gateway.conf.template', join(prefix, 'conf.d/gateway.conf'), {
    ...upstreams,
    GATEWAY_LISTEN: `${env.STACK_HOST}:${port('GATEWAY')}`,
    GATEWAY_ACCESS_LOG: join(STATE, 'logs/gateway-access.log'),
  });
  // The main file only says where this local instance keeps its pid, logs and temp files.
  writeFileSync(
    join(prefix, 'nginx.conf'),
    [
      isRoot ? 'user www-data;' : '',
      'worker_processes 2;',
      `pid ${join(STATE, 'run/nginx-master.pid')};`,
      `error_log ${processes.logFile('gateway')} warn;`,
      'events { worker_connections 1024; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${join(prefix, 'temp', t)};`,
      ),
      '  include conf.d/*.conf;',
      '}',
      '',
    ].join('\n'),
  );
  if (isRoot) spawnSync('chown', ['-R', 'www-data:', join(prefix, 'temp')]);
}

/**
 * The repo's prometheus/prometheus.yml, linked (not copied) into .stack/prometheus/, reads its
 * targets from targets/*.json beside the link: written here with the stack's hosts and ports.
 */
function preparePrometheus() {
  const dir = join(STATE, 'prometheus');
  mkdirSync(join(dir, 'targets'), { recursive: true });
  rmSync(join(dir, 'prometheus.yml'), { force: true });
  symlinkSync(join(ROOT, 'prometheus/prometheus.yml'), join(dir, 'prometheus.yml'));
  // rule_files in prometheus.yml are relative to the link, so the rules go beside it too.
  rmSync(join(dir, 'rules'), { force: true });
  symlinkSync(join(ROOT, 'prometheus/rules'), join(dir, 'rules'));
  const target = (name) => `${env.STACK_HOST}:${port(name.toUpperCase())}`;
  const write = (file, groups) => writeFileSync(join(dir, 'targets', file), `${JSON.stringify(groups, null, 2)}\n`);
  const services = SERVICES.map((s) => ({ targets: [target(`${s}_METRICS`)], labels: { service: s } }));
  write('services.json', services);
  write('engine.json', [{ targets: [target('engine')] }]);
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

function select(names) {
  if (names.length === 0) return components;
  const unknown = names.filter((n) => !components.some((c) => c.name === n));
  if (unknown.length)
    throw new Error(`Unknown component(s): ${unknown.join(', ')}. Known: ${components.map((c) => c.name).join(', ')}`);
  return components.filter((c) => names.includes(c.name));
}

async function up(names) {
  ensureSystemPackages();
  if (!process.argv.includes('--no-build')) build();
  writeFileSync(join(STATE, 'env.json'), JSON.stringify(env, null, 2));
  const selected = select(names);
  // PostgreSQL first: the engine and three services need their databases to exist.
  const [first, rest] = selected[0]?.name === 'postgres' ? [[selected[0]], selected.slice(1)] : [[], selected];
  for (const group of [first, rest]) {
    for (const c of group) await launch(c);
    await Promise.all(group.map((c) => awaitReady(c)));
  }
  console.log('\nstack is up');
  printUrls();
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
  console.log(`  ✓ ${c.name.padEnd(13)} :${c.port}  ${how}`);
}

async function down(names) {
  for (const c of [...select(names)].reverse()) {
    if (await processes.stop(c.name, { signal: c.stopSignal ?? 'SIGTERM' })) console.log(`  ✗ ${c.name} stopped`);
  }
}

function status() {
  let allUp = true;
  for (const c of components) {
    const pid = processes.running(c.name);
    allUp &&= Boolean(pid);
    console.log(
      `  ${pid ? '●' : '○'} ${c.name.padEnd(13)} :${String(c.port).padEnd(6)} ${pid ? `pid ${pid}` : 'stopped'}`,
    );
  }
  return allUp;
}

function printUrls() {
  console.log(`
  Gateway       ${env.GATEWAY_URL}
  Cockpit       ${env.GATEWAY_URL}/camunda/  (${env.CAMUNDA_ADMIN_USER} / see stack/stack.env)
  Engine REST   ${env.GATEWAY_URL}/engine-rest/
  Mail inbox    ${env.MAIL_WEB_URL}
  Prometheus    ${env.PROMETHEUS_URL}
  Logs          ${join(STATE, 'logs')}`);
}

const [command = 'status', ...names] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
try {
  if (command === 'up') await up(names);
  else if (command === 'down') await down(names);
  else if (command === 'status') process.exitCode = status() ? 0 : 3;
  else if (command === 'tools') {
    ensureSystemPackages();
    ensureTestTools(ROOT);
  } else throw new Error(`Unknown command "${command}". Use up, down, status or tools.`);
} catch (e) {
  console.error(`stack ${command}: ${e.message}`);
  process.exitCode = 1;
}
