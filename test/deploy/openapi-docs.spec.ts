import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

describe('OpenAPI documents in docs/openapi', () => {
  // Service-to-service routes (@Internal, /internal/…) are never routed by the gateway and never published.
  it('publish no /internal route', () => {
    const dir = resolve(ROOT, 'docs/openapi');
    const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const internal = files.flatMap((file) =>
      Object.keys((JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as { paths: object }).paths)
        .filter((path) => /\/internal(\/|$)/i.test(path))
        .map((path) => `${file} ${path}`),
    );
    expect(internal).toEqual([]);
  });

  // The script generates from the built code: build (a no-op when nothing changed), then compare.
  it('match the code (npm run openapi:export writes them)', () => {
    const run = (args: string[]) =>
      execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
    run([resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json']);
    try {
      run(['scripts/openapi-export.mjs', '--check']);
    } catch (e) {
      throw new Error((e as { stderr?: string }).stderr || String(e));
    }
  }, 120_000);
});
