import { readFileSync } from 'node:fs';

/** Reads KEY=VALUE lines, resolving ${NAME} from earlier lines; the process env may override any key. */
export function loadEnv(file, overrides = process.env) {
  const vars = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const [, key, raw] = match;
    vars[key] = overrides[key] ?? substitute(raw.trim(), vars);
  }
  return vars;
}

/** Replaces ${NAME} for names in `vars` only, so nginx's own ${...} stays untouched. */
export function substitute(text, vars) {
  return text.replace(/\$\{([A-Z][A-Z0-9_]*)\}/g, (whole, name) => vars[name] ?? whole);
}
