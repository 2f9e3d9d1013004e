/**
 * Prometheus as committed: the config with its rule files (`promtool check config`), the alert
 * rules (`promtool check rules`) and their unit tests (`promtool test rules`), plus the ties
 * between them: every alert tested and documented, the rule glob picking rules and no tests.
 * promtool comes with Debian's `prometheus` package (the local stack installs it).
 */
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const ROOT = join(__dirname, '../..');
const RULES = join(ROOT, 'prometheus/rules');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const promtool = ['promtool', '/usr/bin/promtool'].find(
  (candidate) => !spawnSync(candidate, ['--version'], { encoding: 'utf8' }).error,
);

function promtoolRun(args: string[], cwd = ROOT): Promise<{ code: number; output: string }> {
  if (!promtool) {
    throw new Error('promtool is not installed: apt-get install prometheus (npm run stack:up installs it)');
  }
  return new Promise((resolve) => {
    execFile(promtool, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr });
    });
  });
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const ruleFiles = readdirSync(RULES).filter((f) => f.endsWith('.rules.yml'));
const testFiles = readdirSync(RULES).filter((f) => f.endsWith('.test.yml'));
const alerts: Rule[] = ruleFiles.flatMap((file) =>
  (parseYaml(readFileSync(join(RULES, file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
    (g) => g.rules,
  ),
);

const alertTests = testFiles.flatMap((file) =>
  (
    parseYaml(readFileSync(join(RULES, file), 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
    }
  ).tests.flatMap((t) => t.alert_rule_test ?? []),
);

describe('Prometheus rules and config', () => {
  it('finds promtool', () => {
    expect(promtool ?? 'promtool is missing: apt-get install prometheus').toMatch(/promtool$/);
  });

  it('has rule files and unit tests', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(testFiles.length).toBeGreaterThan(0);
    expect(readdirSync(RULES).filter((f) => !ruleFiles.includes(f) && !testFiles.includes(f))).toEqual([]);
  });

  it('passes promtool check rules', async () => {
    const { code, output } = await promtoolRun(['check', 'rules', ...ruleFiles.map((f) => join(RULES, f))]);
    expect(output).not.toMatch(/FAILED|WARNING/);
    expect(code).toBe(0);
  });

  it('passes promtool test rules', async () => {
    const { code, output } = await promtoolRun(['test', 'rules', ...testFiles], RULES);
    expect(output).not.toContain('FAILED');
    expect(output).toContain('SUCCESS');
    expect(code).toBe(0);
  });

  it('passes promtool check config with its rule files, laid out as compose mounts them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otus-prometheus-rules-'));
    try {
      cpSync(join(ROOT, 'prometheus/prometheus.yml'), join(dir, 'prometheus.yml'));
      cpSync(join(ROOT, 'prometheus/targets/compose'), join(dir, 'targets'), { recursive: true });
      mkdirSync(join(dir, 'rules'));
      cpSync(RULES, join(dir, 'rules'), { recursive: true });
      const { code, output } = await promtoolRun(['check', 'config', join(dir, 'prometheus.yml')]);
      expect(output).not.toMatch(/FAILED|WARNING/);
      // Every rule file, and only rule files, is loaded through the config's glob.
      expect(output).toContain(`SUCCESS: ${ruleFiles.length} rule files found`);
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads the rules wherever prometheus.yml runs: the stack links them, compose mounts them', () => {
    const config = parseYaml(read('prometheus/prometheus.yml')) as { rule_files: string[] };
    expect(config.rule_files).toEqual(['rules/*.rules.yml']);
    expect(read('docker-compose.yml')).toContain('./prometheus/rules:/etc/prometheus/rules:ro');
    expect(read('stack/stack.mjs')).toMatch(/symlinkSync\(join\(ROOT, 'prometheus\/rules'\), join\(dir, 'rules'\)\)/);
  });

  it('has every alert the issue asks for', () => {
    expect(alerts.map((a) => a.alert)).toEqual(
      expect.arrayContaining([
        'CamundaOpenIncidents',
        'WorkerErrorRate',
        'HttpLatencyP95High',
        'WebhookFailureRate',
        'CourseNearlyFull',
        'TargetDown',
        'EngineDown',
      ]),
    );
    const incidents = alerts.find((a) => a.alert === 'CamundaOpenIncidents')!;
    expect(incidents.for).toBe('5m');
    expect(incidents.expr).toMatch(/camunda_open_incidents\)? > 0/);
  });

  it.each(alerts.map((a) => [a.alert!, a] as const))(
    '%s: severity, summary, a unit test, and a documented runbook',
    (name, alert) => {
      expect(['critical', 'warning', 'info']).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary).toBeTruthy();
      expect(alert.annotations?.description).toBeTruthy();
      const cases = alertTests.filter((t) => t.alertname === name);
      expect(`${name} fires in a test: ${cases.some((t) => (t.exp_alerts ?? []).length > 0)}`).toBe(
        `${name} fires in a test: true`,
      );
      expect(`${name} stays quiet in a test: ${cases.some((t) => (t.exp_alerts ?? []).length === 0)}`).toBe(
        `${name} stays quiet in a test: true`,
      );
      const [doc, anchor] = alert.annotations!.runbook.split('#');
      expect(doc).toBe('docs/operations.md');
      // GitHub's heading anchors: lower case, the heading "### EngineDown" is #enginedown.
      const headings = [...read(doc).matchAll(/^#+ (.+)$/gm)].map((m) => m[1].trim().toLowerCase());
      expect(headings).toContain(anchor);
      expect(anchor).toBe(name.toLowerCase());
    },
  );
});
