/**
 * The Docker side, checked without a Docker engine (this machine has only the client):
 * docker-compose.yml against the Compose Specification schema and against the services' own
 * config schemas, the Dockerfiles with hadolint and against .dockerignore, the images'
 * healthcheck commands run against stand-in servers, the gateway template rendered the way
 * the nginx image does it and checked with `nginx -t`, the Prometheus config with promtool.
 * No image is built or run here.
 */
import ignore from '@balena/dockerignore';
import Ajv from 'ajv';
import { execFile, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { testTool } from '@otus/testing';
import { parse as parseYaml } from 'yaml';
import { SERVICE_ENVS, SERVICES } from './support/service-envs';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// ---------------------------------------------------------------------------------------
// Compose: .env parsing and ${…} interpolation as `docker compose` does them.

/** KEY=VALUE lines of a compose .env file: `#` comments, optional `export`, '…' literal, "…" quoted. */
function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, raw] = match;
    if (raw.startsWith("'")) vars[key] = raw.slice(1, raw.lastIndexOf("'"));
    else if (raw.startsWith('"')) vars[key] = raw.slice(1, raw.lastIndexOf('"')).replace(/\\n/g, '\n');
    else vars[key] = raw.replace(/\s+#.*$/, '').trim();
  }
  return vars;
}

interface Interpolation {
  vars: Record<string, string>;
  /** Names whose `${NAME:?…}` / `${NAME?…}` failed. */
  missing: Set<string>;
}

/** Compose's interpolation: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, ${NAME?err}, ${NAME:+alt}. */
function interpolate(text: string, ctx: Interpolation): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      // Find the matching brace (defaults may hold ${…} themselves).
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth > 0; j += 1) {
        if (text[j] === '{') depth += 1;
        else if (text[j] === '}') depth -= 1;
      }
      if (depth !== 0) throw new Error(`unterminated \${ in "${text}"`);
      const body = text.slice(i + 2, j - 1);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
      if (!m) throw new Error(`invalid interpolation "\${${body}}" in "${text}"`);
      const [, name, op, arg = ''] = m;
      const value = ctx.vars[name];
      const set = value !== undefined;
      const nonEmpty = set && value !== '';
      const ok = op?.startsWith(':') ? nonEmpty : set;
      if (!op) out += value ?? '';
      else if (op.endsWith('-')) out += ok ? value : interpolate(arg, ctx);
      else if (op.endsWith('+')) out += ok ? interpolate(arg, ctx) : '';
      else {
        if (!ok) ctx.missing.add(name);
        out += value ?? '';
      }
      i = j;
      continue;
    }
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
    if (!bare) throw new Error(`invalid "$" in "${text}" (write $$ for a literal $)`);
    out += ctx.vars[bare[0]] ?? '';
    i += 1 + bare[0].length;
  }
  return out;
}

function interpolateAll(value: unknown, ctx: Interpolation): unknown {
  if (typeof value === 'string') return interpolate(value, ctx);
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, ctx));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, ctx)]));
  return value;
}

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  command?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The file as YAML, anchors and `<<` merge keys resolved, not interpolated. */
const rawCompose = parseYaml(read('docker-compose.yml'), { merge: true }) as Compose;
const exampleEnv = parseDotenv(read('.env.example'));

function loadCompose(vars: Record<string, string>): { compose: Compose; missing: Set<string> } {
  const ctx: Interpolation = { vars, missing: new Set() };
  return { compose: interpolateAll(rawCompose, ctx) as Compose, missing: ctx.missing };
}

/** docker-compose.yml as `docker compose` sees it with the .env made from .env.example. */
const { compose, missing: missingWithExample } = loadCompose(exampleEnv);

function serviceEnv(name: string): Record<string, string> {
  const env = compose.services[name].environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Container port of a `[host:]published:container` mapping. */
const containerPort = (mapping: string) => Number(mapping.split(':').at(-1));

// ---------------------------------------------------------------------------------------
// Dockerfiles: instructions, continuation lines joined, comments dropped.

interface Instruction {
  keyword: string;
  args: string;
}

function parseDockerfile(path: string): Instruction[] {
  const lines = read(path).split('\n');
  const instructions: Instruction[] = [];
  let current = '';
  for (const line of lines) {
    if (/^\s*#/.test(line) && current === '') continue; // comments and parser directives
    if (/^\s*#/.test(line)) continue; // comment lines inside a continued instruction
    const trimmed = line.replace(/\s+$/, '');
    if (trimmed.endsWith('\\')) {
      current += `${trimmed.slice(0, -1)} `;
      continue;
    }
    current += trimmed;
    if (current.trim()) {
      const [, keyword, args] = /^\s*(\S+)\s*([\s\S]*)$/.exec(current)!;
      instructions.push({ keyword: keyword.toUpperCase(), args: args.trim() });
    }
    current = '';
  }
  return instructions;
}

interface Copy {
  from?: string;
  sources: string[];
  dest: string;
}

function copies(instructions: Instruction[], args: Record<string, string>): Copy[] {
  return instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const words = i.args.replace(/\$\{(\w+)\}/g, (whole, name: string) => args[name] ?? whole).split(/\s+/);
      const flags = words.filter((w) => w.startsWith('--'));
      const paths = words.filter((w) => !w.startsWith('--'));
      const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
      return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
    });
}

/** The exec-form command of the HEALTHCHECK instruction. */
function healthcheckCommand(instructions: Instruction[]): string[] {
  const hc = instructions.find((i) => i.keyword === 'HEALTHCHECK');
  if (!hc) throw new Error('no HEALTHCHECK');
  const json = /\bCMD\s+(\[[\s\S]*\])\s*$/.exec(hc.args);
  if (!json) throw new Error(`HEALTHCHECK is not in exec form: ${hc.args}`);
  return JSON.parse(json[1]) as string[];
}

const serviceDockerfile = parseDockerfile('Dockerfile');
const engineDockerfile = parseDockerfile('engine/Dockerfile');

// ---------------------------------------------------------------------------------------
// Helpers: tools that may be missing, stand-in servers, commands run asynchronously (the
// stand-in server answers on this process's event loop, so spawnSync would deadlock).

function findTool(name: string, candidates: string[] = []): string | undefined {
  for (const candidate of [...candidates, name]) {
    // Only whether it starts matters (nginx rejects --version, yet runs).
    if (!spawnSync(candidate, ['--version'], { encoding: 'utf8' }).error) return candidate;
  }
  return undefined;
}

const hadolint = findTool(process.env.HADOLINT ?? testTool('hadolint'));
const nginx = findTool('nginx', ['/usr/sbin/nginx']);
const envsubst = findTool('envsubst');
const promtool = findTool('promtool');
const skipNote = (tool: string | undefined, what: string, install: string) =>
  tool ? '' : ` — SKIPPED: ${what} is not installed (${install})`;
for (const [tool, what, install] of [
  [hadolint, 'hadolint', 'node stack/stack.mjs tools'],
  [nginx, 'nginx', 'apt-get install nginx-light'],
  [envsubst, 'envsubst', 'apt-get install gettext-base'],
  [promtool, 'promtool', 'apt-get install prometheus'],
] as const) {
  if (!tool) console.warn(`test/deploy/docker.spec.ts: ${what} is not installed, its check is skipped (${install})`);
}

function run(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(file, args, { ...options, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, stdout, stderr });
    });
  });
}

async function standIn(path: string, status: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    res.statusCode = req.method === 'GET' && req.url === path ? status : 404;
    res.end(JSON.stringify({ status: status === 200 ? 'UP' : 'DOWN' }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port };
}

async function freePort(): Promise<number> {
  const { server, port } = await standIn('/', 200);
  await new Promise((done) => server.close(done));
  return port;
}

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'dist'].includes(entry.name) ? [] : filesUnder(path);
    }
    return entry.name.endsWith('.tsbuildinfo') ? [] : [path];
  });
}

// =======================================================================================

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    // compose-spec.json as shipped by the npm package dclint (the schema `docker compose` validates with).
    const schemaFile = join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    expect(schema.title).toBe('Compose Specification');
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('needs its secrets from .env, and .env.example provides every one', () => {
    expect(missingWithExample).toEqual(new Set());
    const { missing } = loadCompose({});
    for (const secret of ['PG_PASSWORD', 'CAMUNDA_ADMIN_PASSWORD']) expect(missing).toContain(secret);
    for (const name of missing) expect(exampleEnv).toHaveProperty(name);
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  it('holds no secret value itself: passwords and keys are ${NAME:?…} references', () => {
    const reference = '\\$\\{[A-Z_]+:\\?[^}]*\\}';
    for (const [name, service] of Object.entries(rawCompose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const text = `${name}.${key}=${String(value)}`;
        if (/PASSWORD|SECRET|SEAL_KEYS|TOKEN|^AUTH_JWKS$/.test(key)) expect(text).toMatch(new RegExp(`=${reference}$`));
        // scheme://user:password@host…: the password part too.
        if (/^[a-z:]+\/\/[^/]*@/.test(String(value))) expect(text).toMatch(new RegExp(`:${reference}@`));
      }
    }
  });

  it('depends only on services that exist, and waits for health only where there is a healthcheck', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(`${name} → ${dependency}: ${dependency in compose.services}`).toBe(`${name} → ${dependency}: true`);
        if (condition !== 'service_healthy') continue;
        const target = compose.services[dependency];
        const dockerfile = target.build && join(target.build.context, target.build.dockerfile ?? 'Dockerfile');
        const imageHealthcheck = dockerfile !== undefined && /^HEALTHCHECK /m.test(read(dockerfile));
        expect(`${dependency} has a healthcheck: ${Boolean(target.healthcheck) || imageHealthcheck}`).toBe(
          `${dependency} has a healthcheck: true`,
        );
      }
    }
  });

  it('builds from contexts and Dockerfiles that exist, one image per service', () => {
    const built = Object.entries(compose.services).filter(([, s]) => s.build);
    expect(built.map(([name]) => name).sort()).toEqual([...SERVICES, 'engine'].sort());
    for (const [name, { build, image }] of built) {
      expect(existsSync(join(ROOT, build!.context))).toBe(true);
      const dockerfile = join(build!.context, build!.dockerfile ?? 'Dockerfile');
      expect(existsSync(join(ROOT, dockerfile))).toBe(true);
      expect(image).toMatch(new RegExp(`^otus-contract/${name}:`));
      if (SERVICES.includes(name)) {
        expect(dockerfile).toBe('Dockerfile');
        expect(build!.args).toEqual({ SERVICE: name });
      }
    }
    expect(compose.services.engine.build).toMatchObject({ context: '.', dockerfile: 'engine/Dockerfile' });
  });

  it('mounts files that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source.startsWith('.'))
          expect(`${name}: ${source} ${existsSync(join(ROOT, source))}`).toBe(`${name}: ${source} true`);
        else expect(rawCompose.volumes).toHaveProperty(source);
      }
    }
  });

  it.each(SERVICES)('gives %s an environment its config schema accepts', (service) => {
    const env = serviceEnv(service);
    const schema = SERVICE_ENVS[service];
    const result = schema.safeParse(env);
    expect(
      result.success ? [] : result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`),
    ).toEqual([]);
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      HTTP_HOST: '0.0.0.0',
      CAMUNDA_REST_URL: 'http://engine:8081/engine-rest',
    });
    // What the local stack sets for the service (stack/stack.env), compose must set too: the
    // defaults did not fit there, so they would not fit here.
    const stackKeys = Object.keys(parseDotenv(read('stack/stack.env')));
    const keys = Object.keys(schema.shape);
    expect(keys.filter((k) => stackKeys.includes(k) && !(k in env))).toEqual([]);
    // The token verifier needs one of the two (packages/common/src/auth/token-verifier.ts).
    if (keys.includes('AUTH_JWKS') || keys.includes('AUTH_JWKS_URL')) {
      expect(Boolean(env.AUTH_JWKS || env.AUTH_JWKS_URL)).toBe(true);
      if (env.AUTH_JWKS) expect((JSON.parse(env.AUTH_JWKS) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
    }
  });

  it('creates every PostgreSQL database the services and the engine connect to', () => {
    const sql = read('docker/postgres-init/01-databases.sql');
    const created = [...sql.matchAll(/^CREATE DATABASE (\w+);/gm)].map((m) => m[1]);
    const used = Object.values(compose.services).flatMap((s) =>
      Object.values(s.environment ?? {}).flatMap((v) => {
        const m = /^(?:postgres|jdbc:postgresql):\/\/(?:[^@/]*@)?([^/:]+):5432\/(\w+)/.exec(String(v));
        return m ? [m] : [];
      }),
    );
    expect(used.length).toBe(5);
    for (const [url, host, db] of used) {
      expect(`${url}: ${host}`).toBe(`${url}: postgres`);
      expect(created).toContain(db);
    }
    expect(compose.services.postgres.volumes).toContain('./docker/postgres-init:/docker-entrypoint-initdb.d:ro');
  });

  it('wires the ports together: gateway upstreams, engine URL, Prometheus targets, Grafana datasource', () => {
    const enginePort = Number(serviceEnv('engine').ENGINE_PORT);
    const gateway = serviceEnv('gateway');
    expect(gateway.ENGINE_UPSTREAM).toBe(`engine:${enginePort}`);
    const targets = (file: string) =>
      JSON.parse(read(`prometheus/targets/compose/${file}`)) as {
        targets: string[];
        labels?: Record<string, string>;
      }[];
    expect(targets('engine.json')).toEqual([{ targets: [`engine:${enginePort}`] }]);
    const services = targets('services.json');
    for (const service of SERVICES) {
      const env = serviceEnv(service);
      const port = env[`${service.toUpperCase()}_PORT`];
      expect(gateway[`${service.toUpperCase()}_UPSTREAM`]).toBe(`${service}:${port}`);
      expect(env.CAMUNDA_REST_URL).toBe(`http://engine:${enginePort}/engine-rest`);
      // Prometheus scrapes the metrics port, never the API port the gateway proxies to.
      const metricsPort = env[`${service.toUpperCase()}_METRICS_PORT`];
      expect(metricsPort).not.toBe(port);
      expect(services).toContainEqual({ targets: [`${service}:${metricsPort}`], labels: { service } });
    }
    expect(services).toHaveLength(SERVICES.length);
    expect(containerPort(compose.services.gateway.ports![0])).toBe(Number(gateway.GATEWAY_LISTEN));
    const prometheusPort = containerPort(compose.services.prometheus.ports![0]);
    expect(targets('prometheus.json')).toEqual([{ targets: [`localhost:${prometheusPort}`] }]);
    const datasources = parseYaml(read('grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { type: string; url: string }[];
    };
    expect(datasources.datasources).toContainEqual(
      expect.objectContaining({ type: 'prometheus', url: `http://prometheus:${prometheusPort}` }),
    );
  });

  // The inbox shows every client link and signing code: whoever reads it can sign as the client.
  it.each(['127.0.0.1', '0.0.0.0', '203.0.113.7'])(
    'publishes the mail catcher on loopback only, and never its SMTP port, with PUBLISH_ADDRESS=%s',
    (address) => {
      const { compose: published } = loadCompose({ ...exampleEnv, PUBLISH_ADDRESS: address });
      const ports = published.services.mail.ports ?? [];
      expect(ports.length).toBeGreaterThan(0);
      for (const mapping of ports) {
        // Short syntax: [host_ip:]published:container; without a host IP Docker binds 0.0.0.0.
        const parts = mapping.split(':');
        expect(parts).toHaveLength(3);
        expect(`${mapping}: ${parts[0]}`).toBe(`${mapping}: 127.0.0.1`);
        expect(containerPort(mapping)).not.toBe(1025);
      }
      expect(published.services.mail.ports).toEqual([`127.0.0.1:${exampleEnv.MAIL_WEB_PORT}:1080`]);
    },
  );

  it('feeds the repo prometheus.yml with the committed compose targets', () => {
    expect(compose.services.prometheus.volumes).toEqual(
      expect.arrayContaining([
        './prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        './prometheus/targets/compose:/etc/prometheus/targets:ro',
      ]),
    );
    expect(compose.services.prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    const config = parseYaml(read('prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; file_sd_configs: { files: string[] }[] }[];
    };
    const files = config.scrape_configs.flatMap((job) => job.file_sd_configs.flatMap((sd) => sd.files));
    expect(files.sort()).toEqual(readdirSync(join(ROOT, 'prometheus/targets/compose')).map((f) => `targets/${f}`));
  });
});

// =======================================================================================

describe('Dockerfiles', () => {
  (hadolint ? it : it.skip)(
    `pass hadolint${skipNote(hadolint, 'hadolint', 'node stack/stack.mjs tools')}`,
    async () => {
      const result = await run(hadolint!, ['--no-color', 'Dockerfile', 'engine/Dockerfile'], { cwd: ROOT });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
  );

  it('send everything they COPY: it exists and .dockerignore lets it through (tests stay out)', () => {
    const ig = ignore().add(read('.dockerignore'));
    const sent = (path: string) => !ig.ignores(path);
    const isTest = (path: string) => /(^|\/)test\/|\.(e2e-)?spec\.ts$/.test(path);
    const builds: [Instruction[], Record<string, string>][] = [
      ...SERVICES.map((service): [Instruction[], Record<string, string>] => [serviceDockerfile, { SERVICE: service }]),
      [engineDockerfile, {}],
    ];
    for (const [instructions, args] of builds) {
      for (const { from, sources } of copies(instructions, args)) {
        if (from) continue;
        for (const source of sources) {
          const path = source.replace(/\/$/, '');
          expect(`${path} exists: ${existsSync(join(ROOT, path))}`).toBe(`${path} exists: true`);
          const files = statSync(join(ROOT, path)).isDirectory() ? filesUnder(path) : [path];
          expect(files.length).toBeGreaterThan(0);
          for (const file of files) expect(`${file} sent: ${sent(file)}`).toBe(`${file} sent: ${!isTest(file)}`);
        }
      }
    }
    for (const secret of ['.env', '.git/config', '.stack/env.json', 'node_modules/x', 'services/user/dist/main.js'])
      expect(`${secret} sent: ${sent(secret)}`).toBe(`${secret} sent: false`);
  });

  it('copy every workspace manifest, so npm installs from the lock the repo has', () => {
    const copied = copies(serviceDockerfile, {}).flatMap((c) => (c.from ? [] : c.sources));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
    const workspaces = [
      ...readdirSync(join(ROOT, 'packages')).map((p) => `packages/${p}/package.json`),
      ...readdirSync(join(ROOT, 'services')).map((s) => `services/${s}/package.json`),
    ].filter((p) => existsSync(join(ROOT, p)));
    for (const manifest of workspaces) expect(copied).toContain(manifest);
  });

  it('accept exactly the services there are as SERVICE, and start services/<SERVICE>/dist/main.js', () => {
    const check = serviceDockerfile.find((i) => i.keyword === 'RUN' && i.args.includes('case "${SERVICE}"'));
    const accepted = /in\s+([\w|]+)\)/.exec(check!.args)![1].split('|');
    expect(accepted.sort()).toEqual(SERVICES.slice().sort());
    const dirs = readdirSync(join(ROOT, 'services')).filter((d) =>
      existsSync(join(ROOT, 'services', d, 'package.json')),
    );
    expect(dirs.sort()).toEqual(SERVICES.slice().sort());
    const workdirs = serviceDockerfile.filter((i) => i.keyword === 'WORKDIR').map((i) => i.args);
    expect(workdirs.at(-1)).toBe('/app/services/${SERVICE}');
    expect(serviceDockerfile.filter((i) => i.keyword === 'CMD').at(-1)!.args).toBe('["node", "dist/main.js"]');
    for (const service of SERVICES) {
      expect(existsSync(join(ROOT, `services/${service}/src/main.ts`))).toBe(true);
      const tsconfig = JSON.parse(read(`services/${service}/tsconfig.json`)) as {
        compilerOptions: Record<string, string>;
      };
      expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    }
    const users = (instructions: Instruction[]) => instructions.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users(serviceDockerfile).at(-1)).not.toMatch(/^(0|root)\b/);
    expect(users(engineDockerfile).at(-1)).not.toMatch(/^(0|root)\b/);
  });

  describe('service image healthcheck (node fetch of /health/live)', () => {
    const command = healthcheckCommand(serviceDockerfile);
    const script = copies(serviceDockerfile, {}).find((c) => c.dest === command[1])!.sources[0];

    it('is the committed script, copied into the image', () => {
      expect(command).toEqual(['node', '/app/healthcheck.mjs']);
      expect(script).toBe('docker/service-healthcheck.mjs');
    });

    it("knows each service's default port", () => {
      const defaults = /DEFAULT_PORTS = (\{[^}]*\})/.exec(read(script))![1];
      const ports = Object.fromEntries(
        [...defaults.matchAll(/(\w+): (\d+)/g)].map(([, service, port]) => [service, Number(port)]),
      );
      const expected = Object.fromEntries(
        SERVICES.map((s) => [s, SERVICE_ENVS[s].shape[`${s.toUpperCase()}_PORT`].parse(undefined)]),
      );
      expect(ports).toEqual(expected);
    });

    it.each([
      [200, 0],
      [503, 1],
    ])('exits %s → %s', async (status, code) => {
      const { server, port } = await standIn('/health/live', status);
      try {
        const env = { PATH: process.env.PATH, SERVICE: 'course', COURSE_PORT: String(port) };
        expect((await run(process.execPath, [join(ROOT, script)], { env })).code).toBe(code);
      } finally {
        server.close();
      }
    });

    it('fails when nothing listens', async () => {
      const env = { PATH: process.env.PATH, SERVICE: 'course', COURSE_PORT: String(await freePort()) };
      expect((await run(process.execPath, [join(ROOT, script)], { env })).code).toBe(1);
    });
  });

  describe('engine image', () => {
    const env = (name: string) =>
      new RegExp(`\\b${name}=("[^"]*"|\\S+)`).exec(
        engineDockerfile
          .filter((i) => i.keyword === 'ENV')
          .map((i) => i.args)
          .join(' '),
      )?.[1];

    it('deploys bpmn/ from /app/bpmn and runs with the documented JVM flags', () => {
      expect(env('ENGINE_BPMN_DIR')).toBe('/app/bpmn');
      expect(copies(engineDockerfile, {})).toContainEqual({ from: undefined, sources: ['bpmn/'], dest: '/app/bpmn/' });
      expect(readdirSync(join(ROOT, 'bpmn')).filter((f) => f.endsWith('.bpmn')).length).toBeGreaterThan(0);
      expect(env('JAVA_OPTS')).toBe('"-Xmx256m -XX:+UseSerialGC"');
      expect(engineDockerfile.find((i) => i.keyword === 'ENTRYPOINT')!.args).toContain('exec java $JAVA_OPTS');
      expect(engineDockerfile[0]).toEqual({ keyword: 'FROM', args: 'maven:3.9-eclipse-temurin-17 AS build' });
      expect(engineDockerfile.filter((i) => i.keyword === 'FROM').at(-1)!.args).toMatch(/^eclipse-temurin:17-jre\b/);
    });

    describe('healthcheck (bash /dev/tcp, GET /actuator/health/liveness)', () => {
      const command = healthcheckCommand(engineDockerfile);

      it.each([
        [200, 0],
        [503, 1],
      ])('exits %s → %s', async (status, code) => {
        const { server, port } = await standIn('/actuator/health/liveness', status);
        try {
          const result = await run(command[0], command.slice(1), {
            env: { PATH: process.env.PATH, ENGINE_PORT: String(port) },
          });
          expect(result.code).toBe(code);
        } finally {
          server.close();
        }
      });

      it('fails when nothing listens', async () => {
        const port = await freePort();
        const result = await run(command[0], command.slice(1), {
          env: { PATH: process.env.PATH, ENGINE_PORT: String(port) },
        });
        expect(result.code).not.toBe(0);
      });
    });
  });
});

// =======================================================================================

describe('gateway in the nginx image', () => {
  const ready = nginx && envsubst;
  (ready ? it : it.skip)(
    `renders the template like the image's envsubst step and passes nginx -t${skipNote(nginx, 'nginx', 'apt-get install nginx-light')}${skipNote(envsubst, 'envsubst', 'apt-get install gettext-base')}`,
    async () => {
      const gateway = compose.services.gateway;
      const [templateSource, templateTarget] = gateway.volumes![0].split(':');
      expect(templateSource).toBe('./gateway/gateway.conf.template');
      // Rendered over the image's default.conf: /etc/nginx/templates/X.template → /etc/nginx/conf.d/X
      expect(templateTarget).toBe('/etc/nginx/templates/default.conf.template');

      const dir = mkdtempSync(join(tmpdir(), 'otus-gateway-'));
      try {
        // Upstream hosts exist only on the compose network; nginx -t resolves them, so the
        // syntax check uses 127.0.0.1 with the same ports, and a free port to listen on.
        const env: Record<string, string> = { ...serviceEnv('gateway') };
        for (const key of Object.keys(env).filter((k) => k.endsWith('_UPSTREAM')))
          env[key] = env[key].replace(/^[^:]+:/, '127.0.0.1:');
        env.GATEWAY_LISTEN = `127.0.0.1:${await freePort()}`;
        // Names nginx uses as its own variables: the filter must keep envsubst off them.
        const decoys = { request_id: 'DECOY', http_host: 'DECOY', scheme: 'DECOY' };
        // The nginx image's /docker-entrypoint.d/20-envsubst-on-templates.sh, reduced to one template.
        const script = [
          'filter="${NGINX_ENVSUBST_FILTER:-}"',
          'defined_envs=$(printf \'${%s} \' $(awk "END { for (name in ENVIRON) { print ( name ~ /${filter}/ ) ? name : \\"\\" } }" < /dev/null ))',
          `envsubst "$defined_envs" < "$1" > "$2"`,
        ].join('\n');
        mkdirSync(join(dir, 'conf.d'));
        const rendered = join(dir, 'conf.d/default.conf');
        const render = await run('sh', ['-c', script, 'sh', join(ROOT, templateSource), rendered], {
          env: { PATH: process.env.PATH, ...decoys, ...env },
        });
        expect(render.stderr).toBe('');
        const conf = readFileSync(rendered, 'utf8');
        for (const key of Object.keys(env).filter((k) => k !== 'NGINX_ENVSUBST_FILTER')) {
          expect(conf).not.toContain(`\${${key}}`);
        }
        expect(conf).toContain(`server ${env.USER_UPSTREAM};`);
        expect(conf).toContain(`listen ${env.GATEWAY_LISTEN};`);
        for (const name of Object.keys(decoys)) expect(conf).toContain(`$${name}`);
        expect(conf).not.toContain('DECOY');

        // Main file as in the nginx image (http { include mime.types; include conf.d/*.conf; }),
        // with its runtime paths inside the temporary folder.
        writeFileSync(
          join(dir, 'nginx.conf'),
          [
            `pid ${join(dir, 'nginx.pid')};`,
            `error_log ${join(dir, 'error.log')} warn;`,
            'events { worker_connections 64; }',
            'http {',
            '  include /etc/nginx/mime.types;',
            `  access_log off;`,
            ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
            '  include conf.d/*.conf;',
            '}',
            '',
          ].join('\n'),
        );
        const check = await run(nginx!, ['-t', '-p', `${dir}/`, '-c', 'nginx.conf']);
        expect(check.stderr).toContain('syntax is ok');
        expect(check.stderr).toContain('test is successful');
        expect(check.code).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('Prometheus config', () => {
  (promtool ? it : it.skip)(
    `is valid with the compose targets where compose mounts them${skipNote(promtool, 'promtool', 'apt-get install prometheus')}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'otus-prometheus-'));
      try {
        writeFileSync(join(dir, 'prometheus.yml'), read('prometheus/prometheus.yml'));
        mkdirSync(join(dir, 'targets'));
        for (const file of readdirSync(join(ROOT, 'prometheus/targets/compose'))) {
          writeFileSync(join(dir, 'targets', file), read(`prometheus/targets/compose/${file}`));
        }
        const result = await run(promtool!, ['check', 'config', join(dir, 'prometheus.yml')]);
        expect(result.stdout + result.stderr).not.toMatch(/WARNING|FAILED/);
        expect(result.stdout).toContain('SUCCESS');
        expect(result.code).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
