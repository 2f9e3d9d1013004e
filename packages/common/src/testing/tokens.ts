import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import { REPO_ROOT } from './stack-env';

export interface TokenOptions {
  roles?: string[];
  subject?: string;
  /** A time span ("5m") or an absolute time in epoch seconds (in the past for an expired token). */
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
  /** Sign with a key the services do not know, keeping the real `kid`: a forged token. */
  forged?: boolean;
  kid?: string;
}

/** A staff access token signed with the local stack's development key (or a forged one). */
export async function staffToken({
  roles = ['admin'],
  subject = 'test-admin',
  expiresIn = '5m',
  issuer = 'otus-contract',
  audience = 'otus-contract',
  forged = false,
  kid,
}: TokenOptions = {}): Promise<string> {
  const jwk = JSON.parse(readFileSync(resolve(REPO_ROOT, '.stack/auth/signing-key.json'), 'utf8')) as JWK;
  const signingJwk = forged
    ? (generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK)
    : jwk;
  const key = await importJWK(signingJwk, 'ES256');
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'ES256', kid: kid ?? jwk.kid })
    .setSubject(subject)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}
