#!/usr/bin/env node
// Writes each service's OpenAPI document to docs/openapi/<service>.json, generated from the
// built code (run `npm run build` first; `npm run openapi:export` does both). Nothing is
// started: each AppModule is loaded in Nest's preview mode, so no database or engine is needed.
//   node scripts/openapi-export.mjs            write the documents
//   node scripts/openapi-export.mjs --check    exit 1 naming every document that is out of date
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv } from '../stack/lib/env.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVICES = ['user', 'contract', 'course', 'promo', 'notification'];
export const documentFile = (service) => join(ROOT, 'docs/openapi', `${service}.json`);

/** Each service validates its environment when its module loads: the local stack's values pass. */
export function exportEnvironment() {
  return { ...loadEnv(join(ROOT, 'stack/stack.env'), {}), WORKER_ENABLED: 'false', LOG_LEVEL: 'silent' };
}

async function main() {
  const check = process.argv.includes('--check');
  Object.assign(process.env, exportEnvironment());
  const require = createRequire(import.meta.url);
  const { previewOpenApiDocument, stableJson } = require(join(ROOT, 'packages/common/dist/index.js'));
  const stale = [];
  const metrics = require('prom-client');
  for (const service of SERVICES) {
    // Each service registers the process metrics when its module loads; one process holds all five.
    metrics.register.clear();
    const { AppModule } = require(join(ROOT, 'services', service, 'dist/app.module.js'));
    const text = stableJson(await previewOpenApiDocument(AppModule, service));
    const file = documentFile(service);
    const current = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (current === text) continue;
    if (check) {
      stale.push(relative(ROOT, file));
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${relative(ROOT, file)}`);
    }
  }
  if (stale.length > 0) {
    console.error(`Out of date (run npm run openapi:export): ${stale.join(', ')}`);
    process.exit(1);
  }
  // Loaded modules may hold timers (schedules, pools) although nothing was started.
  process.exit(0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
