/**
 * The Helm chart (helm/otus-contract) and the plain manifests (k8s/), checked without a cluster:
 * real `helm` (built with `go install`, see .ci/run) lints and renders the chart with default
 * and production-like values; every rendered manifest and everything in k8s/ validates against
 * the Kubernetes JSON schemas shipped by the PyPI package kubernetes-validate (offline, strict:
 * unknown fields fail), ServiceMonitors against the prometheus-operator schema of the npm
 * package @kubernetes-models/prometheus-operator. Then what the schemas cannot know: each
 * service's environment against its zod config schema, probes, selectors, the Ingress against
 * the gateway's routing and auth, the scrape jobs against prometheus.yml, k8s/ against the chart.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { testTool } from '@otus/testing';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';
import { Gateway, sizeBytes } from './support/gateway-routes';
import { SERVICE_ENVS, SERVICES } from './support/service-envs';

const ROOT = join(__dirname, '../..');
const CHART = join(ROOT, 'helm/otus-contract');
const PRODUCTION = join(CHART, 'ci/production-values.yaml');
/** The Kubernetes version rendered for and validated against (the chart needs >= 1.27). */
const KUBE_VERSION = '1.30.0';
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// ---------------------------------------------------------------------------------------
// Tools

const helm = process.env.HELM ?? testTool('helm');
const helmFound = !spawnSync(helm, ['version', '--short'], { encoding: 'utf8' }).error;
const kubernetesValidate = testTool('kubernetes-validate');
const kubernetesValidateFound = !spawnSync(kubernetesValidate, ['--version'], { encoding: 'utf8' }).error;

function run(file: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ROOT, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function requireTools(): void {
  if (!helmFound) {
    throw new Error(`helm not found at ${helm}: node stack/stack.mjs tools (npm test does)`);
  }
  if (!kubernetesValidateFound) {
    throw new Error(
      `kubernetes-validate not found at ${kubernetesValidate}: node stack/stack.mjs tools (npm test does)`,
    );
  }
}

/** `helm template` with `--set <set>` fails and names `message`. */
async function expectRefused(set: string, message: string): Promise<void> {
  const result = await run(helm, ['template', 'x', CHART, '--kube-version', KUBE_VERSION, ...MINIMAL, '--set', set]);
  expect(`${set}: ${result.code}`).not.toBe(`${set}: 0`);
  expect(result.stderr).toContain(message);
}

async function template(...args: string[]): Promise<string> {
  requireTools();
  const result = await run(helm, [
    'template',
    'otus-contract',
    CHART,
    '--namespace',
    'otus-contract',
    '--kube-version',
    KUBE_VERSION,
    ...args,
  ]);
  if (result.code !== 0) throw new Error(`helm template ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

// ---------------------------------------------------------------------------------------
// Manifests

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown> & { [key: string]: unknown };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface Container {
  name: string;
  image: string;
  env: EnvVar[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: string } };
  livenessProbe: { httpGet: { path: string; port: string } };
  startupProbe?: { httpGet: { path: string; port: string } };
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: Record<string, unknown>;
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; securityContext: Record<string, unknown> };
}

function documents(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => Boolean(d));
}

const find = (manifests: Manifest[], kind: string, name: string) => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podTemplate = (deployment: Manifest) => (deployment.spec as { template: PodTemplate }).template;
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/**
 * A Deployment's first container's environment, resolved from the ConfigMaps and Secrets among the
 * manifests; a field of the pod (downward API) as `<fieldRef metadata.name>`.
 */
function resolvedEnv(manifests: Manifest[], deployment: Manifest, secrets?: Record<string, string>) {
  const env: Record<string, string> = {};
  for (const e of podTemplate(deployment).spec.containers[0].env) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.configMapKeyRef) {
      const { name, key } = e.valueFrom.configMapKeyRef;
      env[e.name] = find(manifests, 'ConfigMap', name).data![key];
      expect(`${e.name} in ConfigMap ${name}: ${env[e.name] !== undefined}`).toBe(
        `${e.name} in ConfigMap ${name}: true`,
      );
    } else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const secret = secrets ?? find(manifests, 'Secret', name).stringData!;
      env[e.name] = secret[key];
      expect(`${e.name} in Secret ${name}: ${env[e.name] !== undefined}`).toBe(`${e.name} in Secret ${name}: true`);
    } else if (e.valueFrom?.fieldRef) env[e.name] = `<fieldRef ${e.valueFrom.fieldRef.fieldPath}>`;
  }
  return env;
}

/** kubernetes-validate --strict on the manifests; ServiceMonitors with the prometheus-operator schema. */
async function validate(manifests: Manifest[]): Promise<string[]> {
  requireTools();
  const problems: string[] = [];
  const core = manifests.filter((m) => m.apiVersion !== 'monitoring.coreos.com/v1');
  const models = { ServiceMonitor, PrometheusRule } as Record<string, new (m: never) => { validate(): void }>;
  for (const m of manifests.filter((x) => x.apiVersion === 'monitoring.coreos.com/v1')) {
    expect(Object.keys(models)).toContain(m.kind);
    try {
      new models[m.kind](m as never).validate();
    } catch (e) {
      problems.push(`${m.kind} ${m.metadata.name}: ${(e as Error).message}`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'otus-k8s-'));
  try {
    const file = join(dir, 'manifests.yaml');
    // YAML 1.1, as kubernetes-validate (PyYAML) and kubectl read it: a string such as "on" stays quoted.
    writeFileSync(file, core.map((m) => stringify(m, { version: '1.1' })).join('---\n'));
    const version = KUBE_VERSION.replace(/\.0$/, '');
    const result = await run(kubernetesValidate, ['--strict', '--kubernetes-version', KUBE_VERSION, file]);
    const lines = `${result.stdout}${result.stderr}`.split('\n').filter(Boolean);
    problems.push(...lines.filter((l) => !l.startsWith('INFO')));
    const passed = lines.filter((l) => l.startsWith('INFO') && l.includes(`passed for resource`));
    // Every resource is reported, against the version asked for.
    if (problems.length === 0) expect(passed).toHaveLength(core.length);
    expect(passed.every((l) => l.endsWith(`against version ${version}`))).toBe(true);
    if (result.code !== 0 && problems.length === 0) problems.push(`kubernetes-validate exited ${result.code}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}

const MINIMAL = ['--set', 'secrets.existingSecret=otus-contract-secrets'];
let defaults: Manifest[];
let production: Manifest[];

beforeAll(async () => {
  if (!helmFound || !kubernetesValidateFound) return;
  defaults = documents(await template(...MINIMAL));
  production = documents(await template('-f', PRODUCTION));
}, 120_000);

// =======================================================================================

describe('tools', () => {
  it('has helm (go install) and kubernetes-validate (pip)', () => {
    expect(() => requireTools()).not.toThrow();
  });

  it('validates strictly: a misspelt field and a wrong type fail', async () => {
    const bad = documents(await template(...MINIMAL))
      .filter((m) => m.kind === 'Service')
      .slice(0, 1);
    (bad[0].spec as Record<string, unknown>).selectr = { app: 'x' };
    const monitor = documents(await template('-f', PRODUCTION)).find((m) => m.kind === 'ServiceMonitor')!;
    (monitor.spec!.endpoints as { port: unknown }[])[0].port = 8080;
    const problems = await validate([...bad, monitor]);
    expect(problems.join('\n')).toMatch(/selectr/);
    expect(problems.join('\n')).toMatch(/port must be string/);
  }, 60_000);
});

describe('helm chart', () => {
  it('passes helm lint --strict with default and production-like values', async () => {
    requireTools();
    for (const values of [MINIMAL, ['-f', PRODUCTION]]) {
      const result = await run(helm, ['lint', '--strict', '--kube-version', KUBE_VERSION, CHART, ...values]);
      expect(result.stdout).toContain('0 chart(s) failed');
      expect(result.code).toBe(0);
    }
  });

  it('keeps no secret in its defaults: rendering without them stops, naming what is missing', async () => {
    const values = parseYaml(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as { secrets: Record<string, string> };
    expect(Object.values(values.secrets).every((v) => v === '')).toBe(true);
    requireTools();
    const bare = await run(helm, ['template', 'x', CHART, '--kube-version', KUBE_VERSION]);
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toContain('secrets.postgresPassword is required');
    const halfway = await run(helm, [
      'template',
      'x',
      CHART,
      '--kube-version',
      KUBE_VERSION,
      '--set',
      'secrets.postgresPassword=pw',
    ]);
    expect(halfway.stderr).toContain('secrets.mongoUrl is required');
    // With an existing Secret, the chart makes none.
    expect(defaults.filter((m) => m.kind === 'Secret')).toEqual([]);
  });

  it('refuses values its schema does not allow', async () => {
    requireTools();
    for (const [set, message] of [
      ['secrets.postgresPassword=p@ss', 'postgresPassword'],
      ['engine.replicas=0', 'replicas'],
      ['publicUrl=ftp://x', 'publicUrl'],
      ['servces.user.port=1', 'servces'],
    ]) {
      await expectRefused(set, message);
    }
  });

  it.each([
    ['default', () => defaults],
    ['production-like', () => production],
  ])(
    'renders valid Kubernetes %s manifests',
    async (_name, manifests) => {
      expect(await validate(manifests())).toEqual([]);
    },
    60_000,
  );

  it('renders what the issue asks for', () => {
    const kinds = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind).map((m) => m.metadata.name);
    const names = [...SERVICES, 'engine'].map((s) => `otus-contract-${s}`);
    for (const ms of [defaults, production]) {
      expect(kinds(ms, 'Deployment').sort()).toEqual(names.sort());
      expect(kinds(ms, 'Service').sort()).toEqual(names.sort());
      expect(kinds(ms, 'PodDisruptionBudget').sort()).toEqual(names.sort());
      expect(kinds(ms, 'HorizontalPodAutoscaler').sort()).toEqual(SERVICES.map((s) => `otus-contract-${s}`).sort());
      expect(kinds(ms, 'NetworkPolicy').length).toBeGreaterThan(0);
      expect(kinds(ms, 'Ingress').length).toBeGreaterThan(0);
    }
    // Namespaced in the manifests themselves, so k8s/ applies without -n.
    for (const m of [...defaults, ...production])
      expect(`${m.kind} ${m.metadata.name}: ${(m.metadata as { namespace?: string }).namespace}`).toBe(
        `${m.kind} ${m.metadata.name}: otus-contract`,
      );
    expect(kinds(production, 'ServiceMonitor').sort()).toEqual(['otus-contract-engine', 'otus-contract-services']);
    expect(kinds(production, 'Secret')).toEqual(['otus-contract-secrets']);
  });

  it('runs the engine with at least two replicas on one shared PostgreSQL database', () => {
    for (const ms of [defaults, production]) {
      const engine = find(ms, 'Deployment', 'otus-contract-engine');
      expect((engine.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
      const engineAccounts = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_ENGINE_PASSWORD`, 'x']));
      const env = resolvedEnv(ms, engine, { ENGINE_DB_PASSWORD: 'x', CAMUNDA_ADMIN_PASSWORD: 'x', ...engineAccounts });
      expect(env.ENGINE_DB_URL).toMatch(/^jdbc:postgresql:\/\/[^/]+:5432\/camunda(\?|$)/);
    }
  });

  it('runs the cluster relay on every engine replica, each under its own pod name', () => {
    for (const ms of [defaults, production]) {
      const engine = find(ms, 'Deployment', 'otus-contract-engine');
      const entries = podTemplate(engine).spec.containers[0].env;
      // The pod's own name, once: a node ignores notifications carrying its own name, so a name
      // shared by two pods (a plain value, or a second entry overriding it) would keep them deaf.
      expect(entries.filter((e) => e.name === 'ENGINE_NODE_NAME')).toEqual([
        { name: 'ENGINE_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ]);
      // "on", not "auto": the chart always runs on PostgreSQL, so a relay that cannot start fails loudly.
      expect(entries.filter((e) => e.name === 'ENGINE_CLUSTER_RELAY')).toHaveLength(1);
      const engineAccounts = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_ENGINE_PASSWORD`, 'x']));
      const env = resolvedEnv(ms, engine, { ENGINE_DB_PASSWORD: 'x', CAMUNDA_ADMIN_PASSWORD: 'x', ...engineAccounts });
      expect(env.ENGINE_CLUSTER_RELAY).toBe('on');
    }
  });

  it('takes engine.clusterRelay as on, auto or off (a bare YAML on/off too), and nothing else', async () => {
    const relay = async (valuesYaml: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'otus-values-'));
      try {
        writeFileSync(join(dir, 'values.yaml'), valuesYaml);
        const ms = documents(await template(...MINIMAL, '-f', join(dir, 'values.yaml')));
        return find(ms, 'ConfigMap', 'otus-contract-config').data!.ENGINE_CLUSTER_RELAY;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    // YAML 1.1, as Helm reads values, takes a bare on/off for true/false.
    expect(await relay('engine:\n  clusterRelay: off\n')).toBe('off');
    expect(await relay('engine:\n  clusterRelay: on\n')).toBe('on');
    expect(await relay("engine:\n  clusterRelay: 'auto'\n")).toBe('auto');
    expect(await relay("engine:\n  clusterRelay: 'off'\n")).toBe('off');
    for (const [set, message] of [
      ['engine.clusterRelay=maybe', 'clusterRelay'],
      // Not through engine.env: a name there would be every pod's, and the relay's mode has its value.
      ['engine.env.ENGINE_NODE_NAME=engine', 'ENGINE_NODE_NAME'],
      ['engine.env.ENGINE_CLUSTER_RELAY=off', 'ENGINE_CLUSTER_RELAY'],
    ]) {
      await expectRefused(set, message);
    }
  });

  describe.each(SERVICES)('service %s', (service) => {
    const deployment = () => find(production, 'Deployment', `otus-contract-${service}`);

    it('gets an environment its config schema accepts, with what compose and the local stack set', () => {
      const env = resolvedEnv(production, deployment());
      const result = SERVICE_ENVS[service].safeParse(env);
      expect(
        result.success ? [] : result.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`),
      ).toEqual([]);
      // No variable the service does not know (a typo would be silently ignored).
      const known = Object.keys(SERVICE_ENVS[service].shape);
      expect(Object.keys(env).filter((k) => !known.includes(k))).toEqual([]);
      // Every variable compose gives this service, Kubernetes gives too.
      const compose = parseYaml(read('docker-compose.yml'), { merge: true }) as {
        services: Record<string, { environment: Record<string, unknown> }>;
      };
      expect(Object.keys(compose.services[service].environment).filter((k) => !(k in env))).toEqual([]);
      expect(env).toMatchObject({ NODE_ENV: 'production', HTTP_HOST: '0.0.0.0' });
      expect(env.CAMUNDA_REST_URL).toBe('http://otus-contract-engine:8081/engine-rest');
      expect(env.AUTH_JWKS_URL).toBe('http://otus-contract-user:3001/.well-known/jwks.json');
    });

    it('has probes on /health/live and /health, resources, a non-root read-only container', () => {
      const pod = podTemplate(deployment());
      const [c] = pod.spec.containers;
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      const env = resolvedEnv(production, deployment());
      expect(c.ports).toEqual([
        { name: 'http', containerPort: Number(env[`${service.toUpperCase()}_PORT`]) },
        // /metrics on a port of its own, which no Ingress routes (the ServiceMonitor scrapes it).
        { name: 'metrics', containerPort: Number(env[`${service.toUpperCase()}_METRICS_PORT`]) },
      ]);
      expect(c.resources.requests).toHaveProperty('cpu');
      expect(c.resources.requests).toHaveProperty('memory');
      expect(c.resources.limits).toHaveProperty('memory');
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      expect(c.image).toBe(`registry.otus.example/otus-contract/${service}:1.4.2`);
    });
  });

  it('runs images whose user is numeric, as runAsNonRoot needs to verify it', () => {
    for (const dockerfile of ['Dockerfile', 'engine/Dockerfile']) {
      const user = [...read(dockerfile).matchAll(/^USER (\S+)/gm)].at(-1)![1];
      expect(`${dockerfile}: ${user}`).toMatch(/: [1-9]\d*(:\d+)?$/);
    }
  });

  it('gives the engine its documented variables and probes', () => {
    const engine = find(production, 'Deployment', 'otus-contract-engine');
    const env = resolvedEnv(production, engine);
    const documented = [...read('docs/engine.md').matchAll(/^\| `([A-Z_]+)`/gm)].map((m) => m[1]);
    expect(Object.keys(env).filter((k) => !documented.includes(k) && k !== 'JAVA_OPTS')).toEqual([]);
    const compose = parseYaml(read('docker-compose.yml')) as { services: { engine: { environment: object } } };
    expect(Object.keys(compose.services.engine.environment).filter((k) => !(k in env))).toEqual([]);
    expect(env.CAMUNDA_ADMIN_PASSWORD).toBeTruthy();
    expect(env).not.toHaveProperty('SPRING_PROFILES_ACTIVE');
    const [c] = podTemplate(engine).spec.containers;
    expect(c.livenessProbe.httpGet.path).toBe('/actuator/health/liveness');
    expect(c.readinessProbe.httpGet.path).toBe('/actuator/health/readiness');
    expect(c.startupProbe?.httpGet.path).toBe('/actuator/health/liveness');
  });

  it('selects what exists: Services, HPAs, PDBs, Ingress backends, network policies', () => {
    for (const ms of [defaults, production]) {
      const deployments = ms.filter((m) => m.kind === 'Deployment');
      const pods = deployments.map((d) => podTemplate(d));
      for (const d of deployments) {
        const selector = (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
        expect(matches(selector, podTemplate(d).metadata.labels)).toBe(true);
      }
      for (const svc of ms.filter((m) => m.kind === 'Service')) {
        const { selector, ports } = svc.spec as { selector: Record<string, string>; ports: { targetPort: string }[] };
        const selected = pods.filter((p) => matches(selector, p.metadata.labels));
        expect(selected).toHaveLength(1);
        for (const port of ports)
          expect(selected[0].spec.containers[0].ports.map((p) => p.name)).toContain(port.targetPort);
      }
      for (const pdb of ms.filter((m) => m.kind === 'PodDisruptionBudget')) {
        const { selector } = pdb.spec as { selector: { matchLabels: Record<string, string> } };
        expect(pods.filter((p) => matches(selector.matchLabels, p.metadata.labels))).toHaveLength(1);
      }
      for (const hpa of ms.filter((m) => m.kind === 'HorizontalPodAutoscaler')) {
        const { scaleTargetRef } = hpa.spec as { scaleTargetRef: { kind: string; name: string } };
        expect(find(ms, scaleTargetRef.kind, scaleTargetRef.name)).toBeDefined();
        // With an HPA, the Deployment leaves the replica count to it.
        expect(find(ms, 'Deployment', scaleTargetRef.name).spec).not.toHaveProperty('replicas');
      }
      for (const ingress of ms.filter((m) => m.kind === 'Ingress')) {
        for (const path of ingressPaths(ingress)) {
          const svc = find(ms, 'Service', path.service);
          expect((svc.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toContain(path.port);
        }
      }
      for (const np of ms.filter((m) => m.kind === 'NetworkPolicy')) {
        const { podSelector } = np.spec as { podSelector: { matchLabels: Record<string, string> } };
        expect(pods.filter((p) => matches(podSelector.matchLabels, p.metadata.labels))).toHaveLength(6);
      }
    }
  });

  it('ships the alert rules of prometheus/rules as a PrometheusRule, unchanged', () => {
    expect(readFileSync(join(CHART, 'files/otus-contract.rules.yml'), 'utf8')).toBe(
      read('prometheus/rules/otus-contract.rules.yml'),
    );
    const rule = find(production, 'PrometheusRule', 'otus-contract-alerts');
    expect(rule.spec).toEqual(parseYaml(read('prometheus/rules/otus-contract.rules.yml')));
    expect(defaults.filter((m) => m.kind === 'PrometheusRule')).toEqual([]);
  });

  it('scrapes the jobs prometheus.yml names, on the same paths, so rules and dashboards hold', () => {
    const prometheus = parseYaml(read('prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; metrics_path?: string }[];
    };
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((j) => [j.job_name, j.metrics_path ?? '/metrics']));
    for (const monitor of production.filter((m) => m.kind === 'ServiceMonitor')) {
      const spec = monitor.spec as {
        jobLabel: string;
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string; path: string; honorLabels: boolean }[];
      };
      const job = spec.selector.matchLabels[spec.jobLabel];
      expect(jobs).toHaveProperty(job);
      expect(spec.endpoints[0].path).toBe(jobs[job]);
      const services = production.filter(
        (m) => m.kind === 'Service' && matches(spec.selector.matchLabels, m.metadata.labels ?? {}),
      );
      expect(services.length).toBe(job === 'engine' ? 1 : SERVICES.length);
      for (const s of services) expect(s.metadata.labels![spec.jobLabel]).toBe(job);
      // The services' own service="<name>" label, not the Kubernetes Service's name.
      expect(spec.endpoints[0].honorLabels).toBe(job === 'services');
    }
  });
});

// ---------------------------------------------------------------------------------------
// Ingress routing, as ingress-nginx builds it: with use-regex, every path of the host is a
// case-insensitive regular expression anchored at the start, tried longest first; the
// rewrite-target /$1 hands the service the first capture group.

interface Route {
  ingress: Manifest;
  path: string;
  service: string;
  port: number;
}
function ingressPaths(ingress: Manifest): Route[] {
  const rules = (
    ingress.spec as {
      rules: {
        http: { paths: { path: string; backend: { service: { name: string; port: { number: number } } } }[] };
      }[];
    }
  ).rules;
  return rules.flatMap((r) =>
    r.http.paths.map((p) => ({
      ingress,
      path: p.path,
      service: p.backend.service.name,
      port: p.backend.service.port.number,
    })),
  );
}

function route(manifests: Manifest[], requestPath: string): { route: Route; upstreamPath: string } | null {
  const routes = manifests
    .filter((m) => m.kind === 'Ingress')
    .flatMap(ingressPaths)
    .sort((a, b) => b.path.length - a.path.length);
  for (const r of routes) {
    const m = new RegExp(`^${r.path}`, 'i').exec(requestPath);
    if (m) return { route: r, upstreamPath: `/${m[1] ?? ''}` };
  }
  return null;
}

describe('Ingress mirrors the gateway (gateway/gateway.conf.template)', () => {
  const gateway = read('gateway/gateway.conf.template');
  const zoneRate = (zone: string) => Number(new RegExp(`zone=${zone}:\\S+ rate=(\\d+)r/m`).exec(gateway)![1]);
  const authUrl = (check: string) =>
    `http://otus-contract-user.otus-contract.svc.cluster.local:3001/auth/check/${check}`;

  // request path → [service, path the service sees, auth check or null, requests/min or null]
  const table: [string, string | null, string | null, string | null, number | null][] = [
    ['/api/course/courses', 'course', '/courses', 'staff', null],
    ['/api/promo/campaigns/1/codes', 'promo', '/campaigns/1/codes', 'staff', null],
    ['/api/notification/deliveries', 'notification', '/deliveries', 'staff', null],
    ['/api/user/users', 'user', '/users', 'staff', null],
    ['/api/contract/staff/applications', 'contract', '/staff/applications', 'staff', null],
    ['/api/contract/applications', 'contract', '/applications', 'crm', null],
    ['/api/contract/applications/crm-1', 'contract', '/applications/crm-1', 'crm', null],
    ['/camunda/app/cockpit/default/', 'engine', '/camunda/app/cockpit/default/', 'engine-admin', null],
    ['/engine-rest/engine', 'engine', '/engine-rest/engine', null, zoneRate('login')],
    ['/api/user/auth/login', 'user', '/auth/login', null, zoneRate('login')],
    ['/api/user/auth/refresh', 'user', '/auth/refresh', null, zoneRate('login')],
    ['/api/user/client-links/exchange', 'user', '/client-links/exchange', null, zoneRate('links')],
    ['/api/contract/public/link-renewals', 'contract', '/public/link-renewals', null, zoneRate('renewals')],
    ['/api/contract/public/documents/tok', 'contract', '/public/documents/tok', null, zoneRate('downloads')],
    ['/client/app-1/signing-code', 'contract', '/client/app-1/signing-code', null, zoneRate('codes')],
    [
      '/client/api/applications/app-1/signature',
      'contract',
      '/client/api/applications/app-1/signature',
      null,
      zoneRate('codes'),
    ],
    ['/client/api/applications/app-1', 'contract', '/client/api/applications/app-1', null, null],
    ['/l/token-abc', 'contract', '/l/token-abc', null, null],
    ['/api/user/.well-known/jwks.json', 'user', '/.well-known/jwks.json', null, null],
    ['/api/course/health', 'course', '/health', null, null],
    ['/api/promo/docs', 'promo', '/docs', null, null],
    ['/api/course/public/courses/JS', 'course', '/public/courses/JS', null, null],
    // Never from outside (the gateway answers 404).
    ['/api/user/internal/x', null, null, null, null],
    ['/api/contract/internal/documents/1', null, null, null, null],
    ['/api/course/metrics', null, null, null, null],
    ['/api/user/auth/check/staff', null, null, null, null],
  ];

  it.each(table)('%s → %s %s', (path, service, upstream, check, perMinute) => {
    // At most one path matches any request, so the routing holds whatever order the controller uses.
    const candidates = production
      .filter((m) => m.kind === 'Ingress')
      .flatMap(ingressPaths)
      .filter((r) => new RegExp(`^${r.path}`, 'i').test(path));
    expect(candidates.map((r) => r.path).length).toBeLessThanOrEqual(1);
    const found = route(production, path);
    if (service === null) {
      expect(found?.route.path ?? null).toBeNull();
      return;
    }
    expect(found).not.toBeNull();
    expect(found!.route.service).toBe(`otus-contract-${service}`);
    expect(found!.upstreamPath).toBe(upstream);
    const annotations = found!.route.ingress.metadata.annotations!;
    expect(annotations['nginx.ingress.kubernetes.io/rewrite-target']).toBe('/$1');
    expect(annotations['nginx.ingress.kubernetes.io/use-regex']).toBe('true');
    expect(annotations['nginx.ingress.kubernetes.io/auth-url'] ?? null).toBe(check && authUrl(check));
    expect(annotations['nginx.ingress.kubernetes.io/limit-rpm'] ?? null).toBe(perMinute && String(perMinute));
    expect(annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe(
      /client_max_body_size (\S+);/.exec(gateway)![1],
    );
    if (check) {
      // The gateway checks exactly these, and forwards the identity the check names.
      expect(gateway).toContain(`proxy_pass http://user_service/auth/check/${check};`);
      expect(annotations['nginx.ingress.kubernetes.io/auth-response-headers']).toContain('X-Auth-Subject,X-Auth-Roles');
    }
    if (check === 'crm') {
      // The key is traded for a token that goes on as the bearer, and the key itself does not.
      expect(annotations['nginx.ingress.kubernetes.io/configuration-snippet']).toContain(
        'auth_request_set $otus_crm_token $upstream_http_x_auth_token;',
      );
      expect(annotations['nginx.ingress.kubernetes.io/configuration-snippet']).toContain(
        'proxy_set_header X-Api-Key "";',
      );
    }
  });

  it('keeps Cockpit sessions on one engine replica', () => {
    const admin = route(production, '/camunda/app/')!.route.ingress.metadata.annotations!;
    expect(admin['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
  });
});

// ---------------------------------------------------------------------------------------
// Every path the gateway passes on without an auth check, read from the gateway's template
// (support/gateway-routes.ts): the Ingresses must route it as the gateway does, through exactly
// one path of one Ingress, with no auth annotation, the gateway's rate limit and body size.

describe('Ingress routes every public path of the gateway as the gateway does', () => {
  const gateway = new Gateway(read('gateway/gateway.conf.template'));
  const isRegex = (l: { modifier: string }) => l.modifier === '~' || l.modifier === '~*';
  const publicLocations = gateway.locations.filter((l) => gateway.isPublic(l));

  /** Paths a regex location of the gateway stands for: a new public regex needs its own here. */
  const regexSamples: Record<string, string[]> = {
    '^/client/(api/applications/)?[^/]+/(signature|signing-code)/*$': [
      '/client/app-1/signing-code',
      '/client/app-1/signature',
      '/client/app-1/signing-code/',
      '/client/api/applications/app-1/signing-code',
      '/client/api/applications/app-1/signature//',
      '/Client/App-1/Signing-Code',
    ],
  };
  /** Real routes behind the prefixes, besides the derived samples. */
  const realPaths = [
    '/api/user/auth/refresh',
    '/api/user/auth/logout',
    '/api/user/.well-known/jwks.json',
    '/api/user/docs-json',
    '/api/contract/public/verifications/pdf',
    '/api/contract/public/link-renewals/',
    '/api/promo/public/promo-codes/check',
    '/l/token-abc',
    '/client/api/applications/app-1',
    '/client/app-1/form',
    '/client/api/applications/app-1/documents/contract',
  ];
  // Each location: its own path and, for prefixes, a path below it; an exact one also with a
  // trailing slash, which the gateway routes elsewhere (or not at all) and so must the Ingress.
  const derived = publicLocations.flatMap((l) => {
    if (l.modifier === '=') return [l.match, `${l.match}/`];
    if (isRegex(l)) return regexSamples[l.match] ?? [];
    return l.match.endsWith('/') ? [`${l.match}sample-1`] : [l.match, `${l.match}/sample-1`];
  });
  const samples = [...new Set([...derived, ...realPaths])];

  // ingress-nginx keeps one limit_req zone per Ingress (annotations/ratelimit: <ns>_<name>_<uid>),
  // so the paths one gateway zone counts share an Ingress, and with it one body size: the largest.
  const zoneBodySize = (zone: string) =>
    gateway.locations
      .filter((l) => l.directives.some((d) => d.name === 'limit_req' && d.args[0] === `zone=${zone}`))
      .map((l) => gateway.bodySize(l))
      .sort((a, b) => sizeBytes(b) - sizeBytes(a))[0];

  const A = 'nginx.ingress.kubernetes.io/';
  const rendered = () =>
    [
      ['default', defaults],
      ['production-like', production],
    ] as const;
  const candidates = (ms: Manifest[], path: string) =>
    ms
      .filter((m) => m.kind === 'Ingress')
      .flatMap(ingressPaths)
      .filter((r) => new RegExp(`^${r.path}`, 'i').test(path));

  it('finds the public routes in the template, and a sample for each', () => {
    const matches = publicLocations.map((l) => `${l.modifier} ${l.match}`.trim());
    for (const expected of [
      '= /verify',
      '= /api/user/client-links/preview',
      '= /api/user/client-links/exchange',
      '^~ /api/contract/public/verifications',
      '^~ /api/contract/public/link-renewals',
      '^~ /api/contract/public/documents',
      '^~ /l/',
      '/engine-rest/',
    ])
      expect(matches).toContain(expected);
    // Every public location is what the gateway picks for at least one sample.
    const picked = new Set(samples.map((p) => gateway.select(p)));
    expect(publicLocations.filter((l) => !picked.has(l)).map((l) => `${l.modifier} ${l.match}`)).toEqual([]);
  });

  it.each(samples)('%s', (path) => {
    const expected = gateway.route(path);
    for (const [name, ms] of rendered()) {
      const found = candidates(ms, path);
      const where = found.map((r) => `${r.ingress.metadata.name} ${r.path}`);
      expect(`${name}: ${where.length}: ${where.join(', ')}`).toMatch(new RegExp(`^${name}: ${expected ? 1 : 0}: `));
      if (!expected) continue;
      const [r] = found;
      const annotations = r.ingress.metadata.annotations!;
      const capture = new RegExp(`^${r.path}`, 'i').exec(path)!;
      const userPort = (find(ms, 'Service', 'otus-contract-user').spec as { ports: { port: number }[] }).ports[0].port;
      expect({
        at: name,
        service: r.service,
        upstreamPath: annotations[`${A}rewrite-target`] === '/$1' ? `/${capture[1] ?? ''}` : path,
        useRegex: annotations[`${A}use-regex`],
        authUrl: annotations[`${A}auth-url`] ?? null,
        authAnnotations: Object.keys(annotations).filter((k) => k.startsWith(`${A}auth-`)).length > 0,
        limitRpm: annotations[`${A}limit-rpm`] ?? null,
        // ingress-nginx's burst is rpm × multiplier (default 5); 1 is as close as it gets to the gateway's.
        burstMultiplier: annotations[`${A}limit-burst-multiplier`] ?? null,
        bodySize: annotations[`${A}proxy-body-size`],
      }).toEqual({
        at: name,
        service: `otus-contract-${expected.service}`,
        upstreamPath: expected.upstreamPath,
        useRegex: 'true',
        authUrl: expected.authCheck
          ? `http://otus-contract-user.otus-contract.svc.cluster.local:${userPort}${expected.authCheck}`
          : null,
        authAnnotations: expected.authCheck !== null,
        limitRpm: expected.zone ? String(gateway.zoneRate(expected.zone)) : null,
        burstMultiplier: expected.zone ? '1' : null,
        bodySize: expected.zone ? zoneBodySize(expected.zone) : expected.bodySize,
      });
    }
  });

  it('counts each gateway limit_req zone in one Ingress of its own', () => {
    for (const [, ms] of rendered()) {
      const byZone = new Map<string, Set<string>>();
      for (const path of samples) {
        const expected = gateway.route(path);
        const [r] = candidates(ms, path);
        if (!expected?.zone || !r) continue;
        byZone.set(expected.zone, (byZone.get(expected.zone) ?? new Set()).add(r.ingress.metadata.name));
      }
      const zones = Object.fromEntries([...byZone].map(([zone, names]) => [zone, [...names]]));
      for (const [zone, names] of Object.entries(zones)) expect(`${zone}: ${names.length}`).toBe(`${zone}: 1`);
      const names = Object.values(zones).flat();
      expect(new Set(names).size).toBe(names.length);
      expect(Object.keys(zones).sort()).toEqual([
        'codes',
        'downloads',
        'engine',
        'links',
        'login',
        'renewals',
        'verify',
      ]);
    }
  });
});

// ---------------------------------------------------------------------------------------

describe('k8s/ plain manifests', () => {
  const files = readdirSync(join(ROOT, 'k8s')).filter((f) => f.endsWith('.yaml') && f !== 'values.yaml');

  it('are the chart rendered with k8s/values.yaml, unchanged (k8s/render.sh)', async () => {
    const rendered = await template('-f', join(ROOT, 'k8s/values.yaml'));
    const committed = read('k8s/otus-contract.yaml').replace(/^(#.*\n)+/, '');
    expect(committed).toBe(rendered);
  });

  it('validate against the Kubernetes schemas', async () => {
    const manifests = files.flatMap((f) => documents(read(`k8s/${f}`)));
    expect(manifests.map((m) => m.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'Ingress']));
    expect(await validate(manifests)).toEqual([]);
  }, 60_000);

  it('hold no Secret, and use exactly the keys secrets.env.example lists', () => {
    const manifests = documents(read('k8s/otus-contract.yaml'));
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    const example = read('k8s/secrets.env.example')
      .split('\n')
      .filter((l) => /^[A-Z]/.test(l))
      .map((l) => l.split('=')[0]);
    const used = new Set<string>();
    for (const d of manifests.filter((m) => m.kind === 'Deployment'))
      for (const e of podTemplate(d).spec.containers[0].env)
        if (e.valueFrom?.secretKeyRef) {
          expect(e.valueFrom.secretKeyRef.name).toBe('otus-contract-secrets');
          used.add(e.valueFrom.secretKeyRef.key);
        }
    expect([...used].sort()).toEqual([...example].sort());
    // And every service accepts its environment with the example's values.
    const secrets = Object.fromEntries(
      read('k8s/secrets.env.example')
        .split('\n')
        .filter((l) => /^[A-Z]/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    for (const service of SERVICES) {
      const env = resolvedEnv(manifests, find(manifests, 'Deployment', `otus-contract-${service}`), secrets);
      expect(Object.keys(env).length).toBeGreaterThan(5);
    }
  });
});
