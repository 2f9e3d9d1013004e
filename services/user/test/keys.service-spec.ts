import { createServiceModule, type ServiceTestModule } from '@otus/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { userEnv } from '../src/config';
import { KeyService } from '../src/keys/key.service';
import { KeysModule } from '../src/keys/keys.module';
import { SigningKeyStatus } from '../src/keys/signing-key.entity';
import { migrations } from '../src/migrations';

/** Signing keys on a database of their own: creation, rotation, the JWKS and the end of a retired key. */
const kidOf = (token: string) => decodeProtectedHeader(token).kid;

let service: ServiceTestModule;
let keys: KeyService;

async function start(envOverrides: Record<string, string> = {}) {
  service = await createServiceModule({
    label: 'user-keys',
    env: userEnv,
    envOverrides,
    postgres: { urlVariable: 'USER_DB_URL', migrations },
    imports: [KeysModule],
  });
  keys = service.get(KeyService);
}
afterEach(() => service?.close());

it('starts with one active key, however many instances start at once, and keeps its private half sealed', async () => {
  await start();
  await service.db.query('DELETE FROM signing_keys');
  // Five replicas starting on an empty table at the same moment.
  await Promise.all(Array.from({ length: 5 }, () => keys.onModuleInit()));
  const rows: { status: string; private_key_sealed: string; public_jwk: Record<string, string> }[] =
    await service.db.query('SELECT status, private_key_sealed, public_jwk FROM signing_keys');
  expect(rows.map((r) => r.status)).toEqual(['active']);
  expect(rows[0].public_jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
  expect(rows[0].public_jwk).not.toHaveProperty('d');
  expect(rows[0].private_key_sealed).not.toContain('"kty"');
  expect(() => JSON.parse(rows[0].private_key_sealed)).toThrow();
});

it('rotates: the new key signs, the JWKS publishes both, and tokens of the old key still verify', async () => {
  await start();
  const before = await keys.sign({ roles: ['admin'] }, 'user-1', 'staff', 60_000);
  const oldKid = kidOf(before);
  const rotated = await keys.rotate();
  const after = await keys.sign({ roles: ['operator'] }, 'user-2', 'staff', 60_000);

  expect(rotated.kid).not.toBe(oldKid);
  expect(kidOf(after)).toBe(rotated.kid);
  expect((await keys.verify(before, 'staff')).sub).toBe('user-1');
  expect(await keys.verify(after, 'staff')).toMatchObject({ sub: 'user-2', roles: ['operator'] });

  const jwks = await keys.jwks();
  expect(jwks.keys.map((k) => k.kid)).toEqual([rotated.kid, oldKid]);
  for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  // What another service does with the published set: both tokens check out against it.
  const published = createLocalJWKSet(jwks);
  for (const token of [before, after]) {
    await expect(
      jwtVerify(token, published, { issuer: 'otus-contract', audience: 'otus-contract' }),
    ).resolves.toBeTruthy();
  }
  const listed = await keys.list();
  expect(listed.map((k) => [k.kid, k.status])).toEqual([
    [rotated.kid, SigningKeyStatus.Active],
    [oldKid, SigningKeyStatus.Retired],
  ]);
  expect(listed[1].retiredAt).toBeInstanceOf(Date);
});

it('keeps one active key when rotations race', async () => {
  await start();
  await Promise.all(Array.from({ length: 6 }, () => keys.rotate()));
  const rows: { status: string; n: number }[] = await service.db.query(
    'SELECT status, count(*)::int AS n FROM signing_keys GROUP BY status ORDER BY status',
  );
  expect(rows).toEqual([
    { status: 'active', n: 1 },
    { status: 'retired', n: 6 },
  ]);
});

it('drops a retired key from the JWKS and from verification once the longest token it signed has expired', async () => {
  // The longest token any key signs lives 1 s here (staff, client session, CRM).
  await start({ USER_ACCESS_TOKEN_TTL: 'PT1S', USER_CLIENT_SESSION_TTL: 'PT1S', USER_CRM_TOKEN_TTL: 'PT1S' });
  // Signed for longer than keys are kept for: the key's retirement must end it anyway.
  const old = await keys.sign({}, 'user-1', 'staff', 60_000);
  const { kid } = await keys.rotate();
  expect((await keys.jwks()).keys).toHaveLength(2);
  await new Promise((r) => setTimeout(r, 1_100));
  expect((await keys.jwks()).keys.map((k) => k.kid)).toEqual([kid]);
  await expect(keys.verify(old, 'staff')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  await expect(keys.verify(await keys.sign({}, 'user-1', 'staff', 60_000), 'staff')).resolves.toMatchObject({
    sub: 'user-1',
  });
});

it('tells staff tokens and client sessions apart, and refuses expired and tampered tokens', async () => {
  await start();
  const session = await keys.sign({}, 'application-1', 'client', 60_000);
  expect((await keys.verify(session, 'client')).sub).toBe('application-1');
  await expect(keys.verify(session, 'staff')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  const staff = await keys.sign({ roles: ['admin'] }, 'user-1', 'staff', 60_000);
  await expect(keys.verify(staff, 'client')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

  const expired = await keys.sign({}, 'user-1', 'staff', -1_000);
  await expect(keys.verify(expired, 'staff')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  const [header, payload, signature] = staff.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const forged = [
    header,
    Buffer.from(JSON.stringify({ ...claims, roles: ['engine-admin'] })).toString('base64url'),
    signature,
  ];
  await expect(keys.verify(forged.join('.'), 'staff')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
});
