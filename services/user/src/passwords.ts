import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library's defaults (OWASP's recommended m=19 MiB, t=2, p=1). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified when the e-mail is unknown, so a login takes as long whether or not the user exists.
const DUMMY_HASH = hash('not-a-real-password-only-for-timing');

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash ?? (await DUMMY_HASH), password);
  } catch {
    return false;
  }
}
