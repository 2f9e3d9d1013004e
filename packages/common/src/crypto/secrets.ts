import { createHash, randomBytes } from 'node:crypto';

/** A high-entropy secret (link token, API key, refresh token) for its holder to keep; only its hash is stored. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 is enough for random secrets of ≥128 bits: nothing to guess, so no slow hash is needed. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
