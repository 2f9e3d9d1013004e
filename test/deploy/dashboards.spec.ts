/**
 * Lint of the Grafana dashboards (grafana/dashboards/*.json) without Grafana: structure, ids,
 * layout, datasources against the provisioning, variables, no hard-coded instances, every panel
 * described in docs/observability.md, and every query parsed by Prometheus's own parser
 * (`promtool check rules` on the queries as recording rules). grafana/dashboard-linter is not
 * obtainable here (the Go module proxy serves no version of it), so these checks stand in.
 * test/observability/dashboards.e2e-spec.ts runs the queries against the stack's Prometheus.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { allQueries, loadDashboards, panelsOf, ROOT, variableSelectors } from '../observability/dashboard-queries';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const dashboards = loadDashboards();
const provisionedUids = readdirSync(join(ROOT, 'grafana/provisioning/datasources')).flatMap((f) =>
  (parseYaml(read(`grafana/provisioning/datasources/${f}`)) as { datasources: { uid: string }[] }).datasources.map(
    (d) => d.uid,
  ),
);

describe('Grafana dashboards', () => {
  it('are the four of the issue, provisioned from the folder compose mounts', () => {
    expect(dashboards.map((d) => d.dashboard.title).sort()).toEqual([
      'OTUS Contract / Business funnel',
      'OTUS Contract / Engine',
      'OTUS Contract / Services RED',
      'OTUS Contract / Workers and topics',
    ]);
    const providers = readdirSync(join(ROOT, 'grafana/provisioning/dashboards')).flatMap(
      (f) =>
        (parseYaml(read(`grafana/provisioning/dashboards/${f}`)) as { providers: { options: { path: string } }[] })
          .providers,
    );
    expect(providers).toHaveLength(1);
    expect(read('docker-compose.yml')).toContain(`./grafana/dashboards:${providers[0].options.path}:ro`);
  });

  it('have unique uids and titles', () => {
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const uid of uids) expect(uid).toMatch(/^[a-z0-9-]{1,40}$/);
  });

  describe.each(dashboards.map((d) => [d.dashboard.title, d.dashboard] as const))('%s', (_title, dashboard) => {
    const panels = panelsOf(dashboard);
    const content = panels.filter((p) => p.type !== 'row');
    const variables = dashboard.templating.list.map((v) => v.name);

    it('has unique panel ids, and panels that fit the 24-column grid without overlapping', () => {
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const cells = new Set<string>();
      for (const p of panels) {
        const { x, y, w, h } = p.gridPos;
        expect(`${p.title}: ${x + w <= 24 && w > 0 && h > 0}`).toBe(`${p.title}: true`);
        for (let i = x; i < x + w; i += 1)
          for (let j = y; j < y + h; j += 1) {
            expect(`${p.title} overlaps at ${i},${j}: ${cells.has(`${i},${j}`)}`).toBe(
              `${p.title} overlaps at ${i},${j}: false`,
            );
            cells.add(`${i},${j}`);
          }
      }
    });

    it('gives every panel a title, a description and at least one query, on a provisioned datasource', () => {
      expect(content.length).toBeGreaterThan(0);
      for (const p of content) {
        expect(p.title).toBeTruthy();
        expect(`${p.title}: ${Boolean(p.description)}`).toBe(`${p.title}: true`);
        expect(`${p.title}: ${(p.targets ?? []).length}`).not.toBe(`${p.title}: 0`);
        expect(provisionedUids).toContain(p.datasource?.uid);
        const refIds = (p.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
        for (const t of p.targets ?? []) {
          expect(t.expr.trim()).not.toBe('');
          if (t.datasource) expect(provisionedUids).toContain(t.datasource.uid);
        }
      }
      for (const v of dashboard.templating.list) if (v.datasource) expect(provisionedUids).toContain(v.datasource.uid);
    });

    it('hard-codes no instance, host or port, and uses every variable it defines (and only those)', () => {
      for (const p of content)
        for (const t of p.targets ?? []) {
          expect(t.expr).not.toMatch(/instance\s*=~?\s*"[^$]/);
          expect(t.expr).not.toMatch(/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b|localhost|:\d{4}\b/);
          const used = [...t.expr.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1]).filter((n) => !n.startsWith('__'));
          for (const name of used) expect(variables).toContain(name);
        }
      const everything = JSON.stringify(content.map((p) => p.targets));
      for (const name of variables) expect(everything).toMatch(new RegExp(`\\$${name}\\b`));
    });

    it('is described panel by panel in docs/observability.md', () => {
      const doc = read('docs/observability.md');
      expect(doc).toContain(`### ${dashboard.title.replace('OTUS Contract / ', '')}`);
      for (const p of content) expect(`${p.title}: ${doc.includes(`**${p.title}**`)}`).toBe(`${p.title}: true`);
    });
  });

  it("has queries Prometheus's parser accepts (promtool check rules on them as recording rules)", () => {
    const promtool = ['promtool', '/usr/bin/promtool'].find(
      (c) => !spawnSync(c, ['--version'], { encoding: 'utf8' }).error,
    );
    if (!promtool) throw new Error('promtool is not installed: apt-get install prometheus');
    const queries = [
      ...allQueries().map((q) => q.expr),
      ...variableSelectors().map((v) => `group by (${v.label}) (${v.selector})`),
    ];
    const dir = mkdtempSync(join(tmpdir(), 'otus-dashboards-'));
    try {
      const file = join(dir, 'queries.yml');
      const rules = queries.map((expr, i) => ({ record: `dashboard:query_${i}`, expr }));
      writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
      const output = execFileSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
      expect(output).toContain(`SUCCESS: ${queries.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
