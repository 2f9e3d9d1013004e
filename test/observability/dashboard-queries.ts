import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The dashboards of grafana/dashboards/ and every PromQL query in them, for the lint and the live check. */
export const ROOT = join(__dirname, '../..');
export const DASHBOARD_DIR = join(ROOT, 'grafana/dashboards');

export interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  datasource?: { type: string; uid: string };
}
export interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
  panels?: Panel[];
}
export interface Variable {
  name: string;
  type: string;
  query?: { query: string } | string;
  allValue?: string;
  datasource?: { type: string; uid: string };
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

export function loadDashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) as Dashboard }));
}

/** Every panel, rows' nested panels included. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/**
 * Grafana's built-in interval variables and the dashboard's own, replaced as Grafana would at
 * a 5 s scrape interval with "All" selected: $__rate_interval is at least four scrapes.
 */
export function substitute(expr: string, variables: Variable[], range = '15m'): string {
  let out = expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('${__rate_interval}', '1m')
    .replaceAll('$__interval', '15s')
    .replaceAll('${__interval}', '15s')
    .replaceAll('$__range', range)
    .replaceAll('${__range}', range);
  for (const v of variables) {
    const value = v.allValue ?? '.*';
    out = out.replaceAll(`\${${v.name}}`, value).replaceAll(`[[${v.name}]]`, value);
    out = out.replace(new RegExp(`\\$${v.name}\\b`, 'g'), value);
  }
  return out;
}

export interface Query {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
  instant: boolean;
}

/** Every target of every panel, variables substituted. */
export function allQueries(range?: string): Query[] {
  return loadDashboards().flatMap(({ dashboard }) =>
    panelsOf(dashboard).flatMap((panel) =>
      (panel.targets ?? []).map((t) => ({
        dashboard: dashboard.title,
        panel: panel.title,
        refId: t.refId,
        expr: substitute(t.expr, dashboard.templating.list, range),
        instant: Boolean(t.instant),
      })),
    ),
  );
}

/** The variables' own queries (label_values(...)), as the PromQL selector they read. */
export function variableSelectors(): { dashboard: string; name: string; selector: string; label: string }[] {
  return loadDashboards().flatMap(({ dashboard }) =>
    dashboard.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => {
        const query = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
        const m = /^label_values\((.+),\s*(\w+)\)$/.exec(query.trim());
        if (!m)
          throw new Error(`${dashboard.title}: variable ${v.name} is not label_values(selector, label): ${query}`);
        return { dashboard: dashboard.title, name: v.name, selector: m[1], label: m[2] };
      }),
  );
}
