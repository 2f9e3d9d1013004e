import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A service loads only its own database's libraries, and no test code: the main entry point of
 * the compiled package must not pull in TypeORM, pg, Mongoose or @nestjs/testing. Checked on the
 * build output (`npm run build` runs before the unit stage), in a fresh Node process.
 */
const PACKAGE = join(__dirname, '../../packages/common');
const HEAVY = ['typeorm', 'pg', 'mongoose', 'mongodb', '@nestjs/typeorm', '@nestjs/mongoose', '@nestjs/testing'];

function loadedPackages(entry: string): string[] {
  const script = `
    require(${JSON.stringify(entry)});
    const names = new Set();
    for (const file of Object.keys(require.cache)) {
      const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file.slice(file.lastIndexOf('node_modules/')));
      if (m) names.add(m[1]);
    }
    process.stdout.write(JSON.stringify([...names]));`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: PACKAGE, encoding: 'utf8', timeout: 60_000 }),
  );
}

describe('@otus/common entry points', () => {
  beforeAll(() => {
    if (!existsSync(join(PACKAGE, 'dist/index.js'))) throw new Error('packages/common is not built: run npm run build');
  });

  it('the main entry loads no database driver, ORM or test library', () => {
    const loaded = loadedPackages('./dist/index.js');
    expect(loaded).toContain('@nestjs/core'); // the probe sees what is loaded
    expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
  });

  it('@otus/common/postgres loads TypeORM but not Mongoose; @otus/common/mongo the reverse', () => {
    const postgres = loadedPackages('./dist/postgres.js');
    expect(postgres).toEqual(expect.arrayContaining(['typeorm', '@nestjs/typeorm']));
    expect(postgres).not.toContain('mongoose');
    const mongo = loadedPackages('./dist/mongo.js');
    expect(mongo).toEqual(expect.arrayContaining(['mongoose', '@nestjs/mongoose']));
    expect(mongo).not.toContain('typeorm');
  });

  it('ships no test helpers and declares the database libraries as optional peers only', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.exports)).toEqual(['.', './postgres', './mongo']);
    for (const name of HEAVY) expect(manifest.dependencies).not.toHaveProperty(name);
    for (const name of Object.keys(manifest.peerDependencies)) {
      expect(manifest.peerDependenciesMeta[name]).toEqual({ optional: true });
    }
    expect(existsSync(join(PACKAGE, 'src/testing'))).toBe(false);
  });
});
