import { randomUUID } from 'node:crypto';
import { ApiClient, stackEnv, staffToken } from '@otus/testing';

/** Administration of staff users through the gateway. */
const env = stackEnv();
const anonymous = new ApiClient(`${env.GATEWAY_URL}/api/user`);
let admin: ApiClient;
let operator: ApiClient;

const newUserBody = (overrides: Record<string, unknown> = {}) => ({
  email: `u-${randomUUID().slice(0, 8)}@otus.test`,
  name: 'Ольга Иванова',
  password: `Passw0rd-${randomUUID()}`,
  roles: ['operator'],
  ...overrides,
});

beforeAll(async () => {
  admin = anonymous.withToken(await staffToken());
  operator = anonymous.withToken(await staffToken({ roles: ['operator'] }));
});

it('lets only administrators manage users (401 without a token, 403 for an operator)', async () => {
  expect((await anonymous.get('/users')).status).toBe(401);
  expect((await operator.get('/users')).status).toBe(403);
  expect((await operator.post('/users', newUserBody())).status).toBe(403);
});

it('creates, reads, updates, lists and deletes a user; never returns the password', async () => {
  const dto = newUserBody({ email: `Mixed.Case-${randomUUID().slice(0, 6)}@OTUS.test` });
  const created = await admin.post('/users', dto);
  expect(created.status).toBe(201);
  expect(created.body).toEqual({
    id: expect.any(String),
    email: dto.email.toLowerCase(),
    name: dto.name,
    roles: ['operator'],
    active: true,
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
  });
  const { id } = created.body;
  expect((await admin.get(`/users/${id}`)).body.email).toBe(dto.email.toLowerCase());
  expect((await admin.patch(`/users/${id}`, { roles: ['admin', 'operator'], name: 'О. Иванова' })).body).toMatchObject({
    roles: ['admin', 'operator'],
    name: 'О. Иванова',
  });
  const listed = await admin.get(`/users?q=${encodeURIComponent(dto.email.slice(0, 12).toLowerCase())}&role=admin`);
  expect(listed.body.items.map((u: { id: string }) => u.id)).toContain(id);
  expect((await admin.delete(`/users/${id}`)).status).toBe(204);
  expect((await admin.get(`/users/${id}`)).body.code).toBe('USER_NOT_FOUND');
});

it('rejects bad fields, unknown roles and a duplicate e-mail', async () => {
  const bad = await admin.post('/users', { email: 'not-an-email', name: 'X', password: 'short', roles: ['root'] });
  expect(bad.status).toBe(400);
  expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'email',
    'name',
    'password',
    'roles',
  ]);
  const dto = newUserBody();
  await admin.post('/users', dto);
  const again = await admin.post('/users', { ...dto, email: dto.email.toUpperCase() });
  expect(again.status).toBe(409);
  expect(again.body.code).toBe('USER_EMAIL_TAKEN');
  expect((await admin.post('/users', { ...newUserBody(), isAdmin: true })).status).toBe(400);
});

it('resets a password (signing the user out) and answers 404 for unknown users', async () => {
  const dto = newUserBody();
  const { body: user } = await admin.post('/users', dto);
  const direct = new ApiClient(`http://${env.STACK_HOST}:${env.USER_PORT}`);
  const { refreshToken } = (await direct.post('/auth/login', { email: dto.email, password: dto.password })).body;
  expect((await admin.request('PUT', `/users/${user.id}/password`, { password: 'Reset-passw0rd-1' })).status).toBe(204);
  expect((await direct.post('/auth/refresh', { refreshToken })).status).toBe(401);
  expect((await direct.post('/auth/login', { email: dto.email, password: 'Reset-passw0rd-1' })).status).toBe(200);
  expect((await admin.request('PUT', `/users/${randomUUID()}/password`, { password: 'Reset-passw0rd-1' })).status).toBe(
    404,
  );
});

it('never leaves the system without an active administrator', async () => {
  const { body: me } = await admin.get('/me');
  const others = (await admin.get('/users?role=admin&pageSize=100')).body.items.filter(
    (u: { id: string; active: boolean }) => u.id !== me.id && u.active,
  );
  for (const other of others) await admin.patch(`/users/${other.id}`, { active: false });
  const demote = await admin.patch(`/users/${me.id}`, { roles: ['operator'] });
  expect(demote.status).toBe(409);
  expect(demote.body.code).toBe('LAST_ADMIN');
  expect((await admin.delete(`/users/${me.id}`)).body.code).toBe('LAST_ADMIN');
});

it('leaves engine administration to engine administrators: an admin without engine-admin can neither grant it nor touch such an account', async () => {
  const plainAdmin = anonymous.withToken(await staffToken({ roles: ['admin'], exact: true }));
  const refused = (r: { status: number; body: { code?: string } }) => ({ status: r.status, code: r.body.code });
  const denied = { status: 403, code: 'ENGINE_ADMIN_REQUIRED' };

  // Granting, on creation or by an update (including to itself through another account).
  expect(refused(await plainAdmin.post('/users', newUserBody({ roles: ['operator', 'engine-admin'] })))).toEqual(
    denied,
  );
  const operatorUser = await plainAdmin.post('/users', newUserBody());
  expect(operatorUser.status).toBe(201);
  expect(refused(await plainAdmin.patch(`/users/${operatorUser.body.id}`, { roles: ['Engine-Admin'] }))).toMatchObject({
    status: 400,
  });
  expect(refused(await plainAdmin.patch(`/users/${operatorUser.body.id}`, { roles: ['engine-admin'] }))).toEqual(
    denied,
  );

  // An account that has the role: no rename, no reset of its password, no removal.
  const engineAdmin = await admin.post('/users', newUserBody({ roles: ['engine-admin'] }));
  expect(engineAdmin.status).toBe(201);
  const id = engineAdmin.body.id as string;
  expect(refused(await plainAdmin.patch(`/users/${id}`, { name: 'Захват' }))).toEqual(denied);
  expect(
    refused(await plainAdmin.request('PUT', `/users/${id}/password`, { password: `Passw0rd-${randomUUID()}` })),
  ).toEqual(denied);
  expect(refused(await plainAdmin.delete(`/users/${id}`))).toEqual(denied);
  expect((await admin.get(`/users/${id}`)).body).toMatchObject({ roles: ['engine-admin'], active: true });

  // An engine administrator may do all of it; ordinary accounts stay with any admin.
  expect((await admin.patch(`/users/${operatorUser.body.id}`, { roles: ['operator', 'engine-admin'] })).status).toBe(
    200,
  );
  expect((await admin.delete(`/users/${id}`)).status).toBe(204);
  const other = await plainAdmin.post('/users', newUserBody());
  expect((await plainAdmin.patch(`/users/${other.body.id}`, { roles: ['admin'] })).status).toBe(200);
  expect((await plainAdmin.delete(`/users/${other.body.id}`)).status).toBe(204);
});

it('lets administrators grant the manager role, as they grant operator; a manager signs in but administers no one', async () => {
  const plainAdmin = anonymous.withToken(await staffToken({ roles: ['admin'], exact: true }));
  const dto = newUserBody({ roles: ['manager'] });
  const created = await plainAdmin.post('/users', dto);
  expect([created.status, created.body.roles]).toEqual([201, ['manager']]);
  const operatorUser = await plainAdmin.post('/users', newUserBody());
  const promoted = await plainAdmin.patch(`/users/${operatorUser.body.id}`, { roles: ['operator', 'manager'] });
  expect([promoted.status, promoted.body.roles]).toEqual([200, ['operator', 'manager']]);
  const listed = await plainAdmin.get(`/users?role=manager&pageSize=100&q=${encodeURIComponent(dto.email)}`);
  expect(listed.body.items.map((u: { id: string }) => u.id)).toEqual([created.body.id]);
  // An operator grants nothing, a manager neither.
  expect((await operator.post('/users', newUserBody({ roles: ['manager'] }))).status).toBe(403);
  const manager = anonymous.withToken(await staffToken({ roles: ['manager'] }));
  expect((await manager.get('/me')).body.roles).toEqual(['manager']);
  expect((await manager.get('/users')).status).toBe(403);
  expect((await manager.post('/users', newUserBody({ roles: ['manager'] }))).status).toBe(403);
});
