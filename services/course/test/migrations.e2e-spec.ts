import { checkMigrations, stackEnv } from '@otus/testing';
import { entities } from '../src/data-source';
import { migrations } from '../src/migrations';

it('creates the whole schema from empty with migrations alone, and reverts it', async () => {
  const result = await checkMigrations(stackEnv().COURSE_DB_URL, { entities, migrations });
  expect(result.applied.length).toBe(migrations.length);
  expect(result.drift).toEqual([]);
  expect(result.tablesAfterRevert).toEqual(['migrations']);
});
