import { randomUUID } from 'node:crypto';
import { createServiceModule, type ServiceTestModule } from '@otus/testing';
import { StaffAuthModule } from '../src/auth/auth.module';
import { AuthService } from '../src/auth/auth.service';
import { userEnv } from '../src/config';
import { migrations } from '../src/migrations';
import { FirstAdmin } from '../src/users/first-admin';
import type { StaffRole } from '../src/users/user.entity';
import { UserService } from '../src/users/user.service';

/** Staff accounts on a database of their own: the last administrator, and sessions ended by account changes. */
let service: ServiceTestModule;
let users: UserService;
let auth: AuthService;

/** A fresh database per test: the admin counts are over the whole table. */
async function start(envOverrides: Record<string, string | undefined>) {
  service = await createServiceModule({
    label: 'user-accounts',
    env: userEnv,
    envOverrides,
    postgres: { urlVariable: 'USER_DB_URL', migrations },
    imports: [StaffAuthModule],
  });
  users = service.get(UserService);
  auth = service.get(AuthService);
}
afterEach(() => service?.close());

async function newUser(roles: StaffRole[]) {
  const email = `staff-${randomUUID().slice(0, 8)}@otus.test`;
  const password = `Passw0rd-${randomUUID()}`;
  const { id } = await users.create({ email, name: 'Тест Учётки', password, roles });
  return { id, email, password, actor: { subject: id, roles } };
}

const activeAdmins = async () =>
  (
    (await service.db.query(`SELECT count(*)::int AS n FROM users WHERE 'admin' = ANY(roles) AND active`)) as {
      n: number;
    }[]
  )[0].n;

it('creates the first administrator from the environment once, however many instances start', async () => {
  const email = `first-${randomUUID().slice(0, 8)}@otus.test`;
  await start({ USER_ADMIN_EMAIL: email, USER_ADMIN_PASSWORD: 'first-admin-password' });
  expect(await service.db.query('SELECT email FROM users')).toEqual([{ email }]);
  // Three replicas starting at once on a database without one: one creates it, the others start too.
  await service.db.query('DELETE FROM users');
  await Promise.all(Array.from({ length: 3 }, () => service.get(FirstAdmin).onApplicationBootstrap()));
  const rows = await service.db.query('SELECT email, roles FROM users');
  expect(rows).toEqual([{ email, roles: ['admin', 'engine-admin'] }]);
  await expect(auth.login(email, 'first-admin-password')).resolves.toMatchObject({
    tokenType: 'Bearer',
  });
});

describe('with administrators the tests make', () => {
  beforeEach(() => start({ USER_ADMIN_EMAIL: undefined, USER_ADMIN_PASSWORD: undefined }));

  it('keeps an active administrator when two demote each other at the same moment', async () => {
    const a = await newUser(['admin']);
    const b = await newUser(['admin']);
    const results = await Promise.allSettled([
      users.update(a.id, { roles: ['operator'] }, b.actor),
      users.update(b.id, { roles: ['operator'] }, a.actor),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'LAST_ADMIN' } });
    expect(await activeAdmins()).toBe(1);
  });

  it('keeps an active administrator when two remove each other at the same moment', async () => {
    const a = await newUser(['admin']);
    const b = await newUser(['admin']);
    const results = await Promise.allSettled([users.remove(a.id, b.actor), users.remove(b.id, a.actor)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await activeAdmins()).toBe(1);
  });

  it('signs a user out when their roles change, so no token carries the old roles for long', async () => {
    await newUser(['admin']);
    const user = await newUser(['admin', 'operator']);
    const session = await auth.login(user.email, user.password);
    await users.update(user.id, { roles: ['operator'] }, user.actor);
    await expect(auth.refresh(session.refreshToken)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    const fresh = await auth.login(user.email, user.password);
    const claims = JSON.parse(Buffer.from(fresh.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.roles).toEqual(['operator']);
    // A change that is not about access leaves sessions alone.
    await users.update(user.id, { name: 'Новое Имя' }, user.actor);
    await expect(auth.refresh(fresh.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('grants the manager role as it grants operator, and the database refuses a role it does not know', async () => {
    const admin = await newUser(['admin']);
    const manager = await newUser(['manager']);
    const claims = async (email: string, password: string) =>
      JSON.parse(Buffer.from((await auth.login(email, password)).accessToken.split('.')[1], 'base64url').toString());
    expect((await claims(manager.email, manager.password)).roles).toEqual(['manager']);
    const operator = await newUser(['operator']);
    await users.update(operator.id, { roles: ['operator', 'manager'] }, admin.actor);
    expect((await claims(operator.email, operator.password)).roles).toEqual(['operator', 'manager']);
    // The constraint itself, past the API's validation: a known set passes, anything else is refused.
    await service.db.query(`UPDATE users SET roles = ARRAY['manager', 'engine-admin'] WHERE id = $1`, [manager.id]);
    await expect(
      service.db.query(`UPDATE users SET roles = ARRAY['manager', 'root'] WHERE id = $1`, [manager.id]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'users_roles_known' });
  });
});
