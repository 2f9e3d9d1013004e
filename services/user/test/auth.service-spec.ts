import { randomUUID } from 'node:crypto';
import { createServiceModule, type ServiceTestModule } from '@otus/testing';
import { EntityManager } from 'typeorm';
import { StaffAuthModule } from '../src/auth/auth.module';
import { AuthService } from '../src/auth/auth.service';
import { userEnv } from '../src/config';
import { KeyService } from '../src/keys/key.service';
import { migrations } from '../src/migrations';
import { UserService } from '../src/users/user.service';

/**
 * Staff sign-in on a database of its own (one for the file: each test signs in with accounts of
 * its own): passwords, the per-address lock and its audit, and refresh-token rotation. Here 3
 * failures lock an address for 10 s, each further lock twice as long up to 30 s; a test ends a
 * lock by moving it to now in the database, instead of waiting for it.
 */
let service: ServiceTestModule;
let auth: AuthService;
let users: UserService;

beforeAll(async () => {
  service = await createServiceModule({
    label: 'user-auth',
    env: userEnv,
    envOverrides: {
      USER_LOGIN_MAX_FAILURES: '3',
      USER_LOGIN_LOCK: 'PT10S',
      USER_LOGIN_LOCK_MAX: 'PT30S',
      // No first administrator: these tests make the accounts they need.
      USER_ADMIN_EMAIL: undefined,
      USER_ADMIN_PASSWORD: undefined,
    },
    postgres: { urlVariable: 'USER_DB_URL', migrations },
    imports: [StaffAuthModule],
  });
  auth = service.get(AuthService);
  users = service.get(UserService);
});
afterAll(() => service?.close());

async function newUser(options: { mustChangePassword?: boolean } = {}) {
  const email = `staff-${randomUUID().slice(0, 8)}@otus.test`;
  const password = `Passw0rd-${randomUUID()}`;
  const { id } = await users.create({ email, name: 'Тест Входа', password, roles: ['operator'] }, options);
  return { id, email, password };
}

const auditOf = async (email: string) =>
  (
    (await service.db.query(
      `SELECT event, user_id, client_address, detail FROM login_events WHERE email = $1 ORDER BY at, event`,
      [email],
    )) as { event: string; user_id: string | null; client_address: string | null; detail: Record<string, unknown> }[]
  ).map((e) => ({ event: e.event, userId: e.user_id, from: e.client_address, detail: e.detail }));
const throttleOf = async (email: string) =>
  (await service.db.query(`SELECT attempts, locked_until, locks FROM login_throttles WHERE email = $1`, [email]))[0] as
    { attempts: number; locked_until: Date | null; locks: number } | undefined;
/** As if the lock had run out. */
const endLock = (email: string) =>
  service.db.query(`UPDATE login_throttles SET locked_until = now() WHERE email = $1`, [email]);

describe('sign-in', () => {
  it('signs in with the right password in any case of the e-mail, with an access token of the account', async () => {
    const user = await newUser();
    const tokens = await auth.login(user.email.toUpperCase(), user.password, '10.0.0.1');
    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(await service.get(KeyService).verify(tokens.accessToken, 'staff')).toMatchObject({
      sub: user.id,
      roles: ['operator'],
    });
    expect(await auditOf(user.email)).toEqual([
      { event: 'login.succeeded', userId: user.id, from: '10.0.0.1', detail: null },
    ]);
    expect(await throttleOf(user.email)).toBeUndefined();
  });

  it('refuses a wrong password, an unknown e-mail and a deactivated account alike, auditing each', async () => {
    const user = await newUser();
    const gone = await newUser();
    await service.db.query('UPDATE users SET active = false WHERE id = $1', [gone.id]);
    const unknown = `nobody-${randomUUID().slice(0, 8)}@otus.test`;
    for (const [email, password] of [
      [user.email, 'wrong-password-1'],
      [unknown, user.password],
      [gone.email, gone.password],
    ]) {
      await expect(auth.login(email, password)).rejects.toMatchObject({
        code: 'INVALID_CREDENTIALS',
        message: 'Wrong e-mail or password',
      });
    }
    expect(await auditOf(user.email)).toEqual([
      { event: 'login.failed', userId: user.id, from: null, detail: { attempt: 1 } },
    ]);
    expect(await auditOf(unknown)).toEqual([
      { event: 'login.failed', userId: null, from: null, detail: { attempt: 1 } },
    ]);
    expect(await auditOf(gone.email)).toEqual([
      { event: 'login.failed', userId: gone.id, from: null, detail: { attempt: 1 } },
    ]);
    const [{ n }] = await service.db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = ANY($1)', [
      [user.id, gone.id],
    ]);
    expect(n).toBe(0);
  });

  it('locks an address after 3 failures, refuses even the right password until the lock ends, and audits it all', async () => {
    const user = await newUser();
    for (let i = 1; i <= 3; i++) {
      await expect(auth.login(user.email, `wrong-${i}`, '10.0.0.2')).rejects.toMatchObject({
        code: 'INVALID_CREDENTIALS',
      });
    }
    const locked = await auth.login(user.email, user.password, '10.0.0.3').catch((e: unknown) => e);
    expect(locked).toMatchObject({ code: 'LOGIN_LOCKED', status: 429, details: { retryAfter: 10 } });
    expect(await throttleOf(user.email)).toMatchObject({ attempts: 3, locks: 1 });

    await endLock(user.email);
    await auth.login(user.email, user.password, '10.0.0.3');
    expect(await throttleOf(user.email)).toBeUndefined();
    const audit = await auditOf(user.email);
    expect(audit.map((e) => e.event)).toEqual([
      'login.failed',
      'login.failed',
      'login.failed',
      'login.locked',
      'login.refused',
      'login.unlocked',
      'login.succeeded',
    ]);
    expect(audit.map((e) => e.detail?.attempt ?? null).slice(0, 3)).toEqual([1, 2, 3]);
    expect(audit[3].detail).toMatchObject({ failures: 3 });
    expect(audit[5].detail).toEqual({ reason: 'lock expired' });
    // The account is known once its password has been checked; a refusal while locked checks none.
    const withAccount = audit.filter((e) => ['login.failed', 'login.locked', 'login.succeeded'].includes(e.event));
    expect(withAccount.map((e) => e.userId)).toEqual(Array(5).fill(user.id));
  });

  it('makes each further lock twice as long, up to the maximum', async () => {
    const user = await newUser();
    const lockFor = async () => {
      for (let i = 0; i < 3; i++) await auth.login(user.email, 'wrong-password').catch(() => undefined);
      const [{ ms }] = await service.db.query(
        `SELECT extract(epoch FROM locked_until - now()) * 1000 AS ms FROM login_throttles WHERE email = $1`,
        [user.email],
      );
      return Number(ms);
    };
    // Each length is measured a moment after the lock was set: allow that moment (up to 2 s on a busy machine).
    const first = await lockFor();
    expect(first).toBeGreaterThan(8_000);
    expect(first).toBeLessThanOrEqual(10_000);
    await endLock(user.email);
    const second = await lockFor();
    expect(second).toBeGreaterThan(18_000);
    expect(second).toBeLessThanOrEqual(20_000);
    await endLock(user.email);
    const third = await lockFor(); // 40 s but for USER_LOGIN_LOCK_MAX
    expect(third).toBeGreaterThan(28_000);
    expect(third).toBeLessThanOrEqual(30_000);
    expect(await throttleOf(user.email)).toMatchObject({ locks: 3 });
  });

  it('gives 12 parallel wrong guesses exactly 3 tries: the rest are refused without a password check', async () => {
    const user = await newUser();
    const answers = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => auth.login(i % 2 ? user.email.toUpperCase() : user.email, `guess-${i}`)),
    );
    const codes = answers.map((a) => (a.status === 'rejected' ? (a.reason as { code: string }).code : 'signed in'));
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(3);
    expect(codes.filter((c) => c === 'LOGIN_LOCKED')).toHaveLength(9);
    const events = (await auditOf(user.email)).map((e) => e.event).sort();
    expect(events).toEqual([...Array(3).fill('login.failed'), 'login.locked', ...Array(9).fill('login.refused')]);
  });

  it('ends a lock when the password is set, and audits the unlock', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await auth.login(user.email, 'wrong-password').catch(() => undefined);
    await expect(auth.login(user.email, user.password)).rejects.toMatchObject({ code: 'LOGIN_LOCKED' });
    const next = `New-passw0rd-${randomUUID()}`;
    await users.setPassword(user.id, next, { subject: 'admin', roles: ['admin'] });
    await expect(auth.login(user.email, user.password)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(auth.login(user.email, next)).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect((await auditOf(user.email)).map((e) => e.event)).toContain('login.unlocked');
  });

  it('gives an account that must change its password no token until it has changed it', async () => {
    const user = await newUser({ mustChangePassword: true });
    await expect(auth.login(user.email, user.password)).rejects.toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
    await expect(auth.changePassword(user.email, user.password, user.password)).rejects.toMatchObject({
      code: 'PASSWORD_UNCHANGED',
    });
    const next = `New-passw0rd-${randomUUID()}`;
    await auth.changePassword(user.email, user.password, next, '10.0.0.4');
    await expect(auth.login(user.email, user.password)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(auth.login(user.email, next)).resolves.toMatchObject({ tokenType: 'Bearer' });
    const [{ n }] = await service.db.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1', [
      user.id,
    ]);
    expect(n).toBe(1);
    expect((await auditOf(user.email)).map((e) => e.event)).toContain('password.changed');
  });
});

describe('refresh tokens', () => {
  const tokensOf = async (userId: string) =>
    (await service.db.query(
      `SELECT family_id, revoked_at IS NOT NULL AS revoked FROM refresh_tokens WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    )) as { family_id: string; revoked: boolean }[];

  it('rotates the token on each refresh, in one family, with a new access token for the account', async () => {
    const user = await newUser();
    const first = await auth.login(user.email, user.password);
    const second = await auth.refresh(first.refreshToken);
    const third = await auth.refresh(second.refreshToken);
    expect(new Set([first.refreshToken, second.refreshToken, third.refreshToken]).size).toBe(3);
    expect((await service.get(KeyService).verify(third.accessToken, 'staff')).sub).toBe(user.id);
    const rows = await tokensOf(user.id);
    expect(rows.map((r) => r.revoked)).toEqual([true, true, false]);
    expect(new Set(rows.map((r) => r.family_id)).size).toBe(1);
  });

  it('revokes the whole family when a replaced token comes back, and leaves other sessions alone', async () => {
    const user = await newUser();
    const stolen = await auth.login(user.email, user.password);
    const otherDevice = await auth.login(user.email, user.password);
    const current = await auth.refresh(stolen.refreshToken);
    await expect(auth.refresh(stolen.refreshToken)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    await expect(auth.refresh(current.refreshToken)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    await expect(auth.refresh(otherDevice.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
    const families = new Map<string, boolean[]>();
    for (const row of await tokensOf(user.id))
      families.set(row.family_id, [...(families.get(row.family_id) ?? []), row.revoked]);
    expect([...families.values()]).toEqual([
      [true, true],
      [true, false],
    ]);
  });

  it('lets one of two parallel refreshes of the same token win, and counts the other as reuse', async () => {
    const user = await newUser();
    const { refreshToken } = await auth.login(user.email, user.password);
    const results = await Promise.allSettled([auth.refresh(refreshToken), auth.refresh(refreshToken)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: 'INVALID_REFRESH_TOKEN' },
    });
    // The presented token and its family so far are revoked (the winner's new token: see the next test).
    const [first] = await tokensOf(user.id);
    expect(first.revoked).toBe(true);
  });

  // A refresh and a reuse of the token it replaces, overlapping: the reuse must end the family
  // with the successor in it. The successor's insert is held back while the reuse runs; when
  // refresh stored it only after committing the revoke, the reuse slipped in between and the
  // successor stayed valid (this test failed). Storing it in the same transaction makes the reuse
  // wait on the row lock instead.
  it('revokes the token a refresh is issuing when a reuse of its predecessor arrives meanwhile', async () => {
    const user = await newUser();
    const { refreshToken } = await auth.login(user.email, user.password);
    const insert = EntityManager.prototype.insert;
    let reached!: () => void;
    const inserting = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const spy = jest.spyOn(EntityManager.prototype, 'insert').mockImplementationOnce(async function (
      this: EntityManager,
      ...args: Parameters<typeof insert>
    ) {
      reached();
      await released;
      return insert.apply(this, args);
    });
    try {
      const winning = auth.refresh(refreshToken);
      await inserting;
      const reuse = auth.refresh(refreshToken).then(
        () => 'issued',
        (e: { code?: string }) => e.code,
      );
      await new Promise((r) => setTimeout(r, 300)); // the reuse runs now, or waits on the lock
      release();
      const winner = await winning;
      expect(await reuse).toBe('INVALID_REFRESH_TOKEN');
      await expect(auth.refresh(winner.refreshToken)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    } finally {
      release();
      spy.mockRestore();
    }
  });

  it('refuses an expired token, a token of a deactivated account, unknown tokens, and a token after logout', async () => {
    const user = await newUser();
    const expired = await auth.login(user.email, user.password);
    await service.db.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      user.id,
    ]);
    await expect(auth.refresh(expired.refreshToken)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    await expect(auth.refresh('not-a-token')).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });

    const loggedOut = await auth.login(user.email, user.password);
    await auth.logout(loggedOut.refreshToken);
    await auth.logout('not-a-token');
    await expect(auth.refresh(loggedOut.refreshToken)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });

    // Deactivated behind the service's back: its sessions are not revoked, the refresh must check the account.
    const live = await auth.login(user.email, user.password);
    await service.db.query('UPDATE users SET active = false WHERE id = $1', [user.id]);
    await expect(auth.refresh(live.refreshToken)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
  });
});
