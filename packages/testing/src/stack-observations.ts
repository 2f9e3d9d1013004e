import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, stackEnv } from './stack-env';

/** The sum of a metric's samples in Prometheus text whose labels include `labels` (none: 0). */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(m[3]);
  }
  return total;
}

/**
 * A metric of a stack service's /metrics, straight from the service's metrics port (not
 * through Prometheus); `port` for another process of it, e.g. a replica.
 */
export async function serviceMetric(
  service: string,
  name: string,
  labels: Record<string, string> = {},
  port = stackEnv()[`${service.toUpperCase()}_METRICS_PORT`],
): Promise<number> {
  const text = await (await fetch(`http://${stackEnv().STACK_HOST}:${port}/metrics`)).text();
  return metricSum(text, name, labels);
}

/** Reads what a stack process logged after this call. */
export function logSince(component: string): () => string {
  const file = resolve(REPO_ROOT, `.stack/logs/${component}.log`);
  const start = statSync(file).size;
  return () => readFileSync(file).subarray(start).toString('utf8');
}
