import { generateKeyPairSync } from 'node:crypto';
import { importJWK, type JWK, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { SealedBox } from '@otus/common';
import { ApiClient } from './http-client';
import { stackEnv } from './stack-env';

const tokens = new Map<string, Promise<string>>();

/** A token that expires within a minute is issued again: a long run (the bench) outlives its lifetime. */
async function fresh(token: Promise<string>): Promise<boolean> {
  const exp = (
    JSON.parse(Buffer.from((await token).split('.')[1] ?? '', 'base64url').toString() || '{}') as { exp?: number }
  ).exp;
  return exp === undefined || exp * 1000 - 60_000 > Date.now();
}

const key = (roles: string[]) => [...roles].sort().join(',');

/**
 * A real staff access token from the running user service: the administrator from the
 * environment when it has every role asked for (it has `admin` and `engine-admin`), or a user
 * with the given roles that this helper creates once per run. `exact`: a user with exactly
 * these roles, never the environment's administrator.
 */
export function staffToken({
  roles = ['admin'],
  exact = false,
}: { roles?: string[]; exact?: boolean } = {}): Promise<string> {
  const cacheKey = `${exact ? 'exact:' : ''}${key(roles)}`;
  const cached = tokens.get(cacheKey);
  const token = (async () => (cached && (await fresh(cached)) ? cached : issueStaffToken(roles, exact)))();
  tokens.set(cacheKey, token);
  return token;
}

async function issueStaffToken(roles: string[], exact: boolean): Promise<string> {
  const env = stackEnv();
  // Straight to the user service: the gateway's login rate limit is for people, not for test set-up.
  const users = new ApiClient(`http://${env.STACK_HOST}:${env.USER_PORT}`);
  const login = async (email: string, password: string) => {
    const { status, body } = await users.post('/auth/login', { email, password });
    if (status !== 200) throw new Error(`login as ${email} failed: ${status} ${JSON.stringify(body)}`);
    return body.accessToken as string;
  };
  const adminToken = await login(env.USER_ADMIN_EMAIL, env.USER_ADMIN_PASSWORD);
  const adminRoles = (JSON.parse(Buffer.from(adminToken.split('.')[1]!, 'base64url').toString()) as { roles: string[] })
    .roles;
  const sameRoles = key(adminRoles) === key(roles);
  if (sameRoles || (!exact && roles.every((role) => adminRoles.includes(role)))) return adminToken;
  const email = `test-${roles.join('-')}-${process.pid}-${Date.now()}@otus.test`;
  const password = `Pw-${Date.now()}-${Math.random()}`;
  const created = await users.withToken(adminToken).post('/users', { email, name: 'Test user', password, roles });
  if (created.status !== 201) throw new Error(`creating a ${roles} user failed: ${JSON.stringify(created.body)}`);
  return login(email, password);
}

export interface CraftedTokenOptions {
  subject?: string;
  roles?: string[];
  /** A time span ("5m") or epoch seconds (in the past for an expired token). */
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
  /** Sign with a key nobody published, keeping a real `kid`: a forged token. */
  forged?: boolean;
  kid?: string;
}

/** A token signed with the user service's real active key (or a forged one), for negative tests. */
export async function craftedToken({
  subject = 'crafted-subject',
  roles = ['admin'],
  expiresIn = '5m',
  issuer = 'otus-contract',
  audience = 'otus-contract',
  forged = false,
  kid,
}: CraftedTokenOptions = {}): Promise<string> {
  const env = stackEnv();
  const db = new DataSource({ type: 'postgres', url: env.USER_DB_URL });
  await db.initialize();
  try {
    const [row] = await db.query(
      `SELECT kid, private_key_sealed FROM signing_keys WHERE status = 'active' ORDER BY created_at DESC LIMIT 1`,
    );
    const real = JSON.parse(
      new SealedBox(env.USER_KEY_SEAL_KEYS).open(row.private_key_sealed, 'signing-key').toString(),
    ) as JWK;
    const jwk = forged
      ? (generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK)
      : real;
    return await new SignJWT({ roles })
      .setProtectedHeader({ alg: 'ES256', kid: kid ?? row.kid })
      .setSubject(subject)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(await importJWK(jwk, 'ES256'));
  } finally {
    await db.destroy();
  }
}
