import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { commonErrors } from '../errors/error-codes';

/**
 * GCM tags are always 16 bytes here. Node's decipher accepts tags of 4 to 16 bytes unless the
 * length is pinned, so a value with its tag cut to 4 bytes would verify after ~2^32 guesses.
 */
const TAG_LENGTH = 16;
const ALGORITHM = 'aes-256-gcm';

/**
 * AES-256-GCM for short secrets that must pass through places that should not read them
 * (a link token in a process variable, a passport number at rest). The sealed form names
 * its key, so keys rotate: seal with the newest, open with whichever sealed it.
 *
 * Keys are configured as `kid:base64key,kid2:base64key2`; the first one seals.
 */
export class SealedBox {
  private readonly keys: Map<string, Buffer>;
  private readonly current: string;

  constructor(spec: string) {
    const entries = spec.split(',').map((part) => {
      const [kid, encoded] = part.trim().split(':');
      const key = Buffer.from(encoded ?? '', 'base64');
      if (!kid || key.length !== 32) throw new Error(`Invalid key "${kid ?? ''}": expected kid:<32 bytes in base64>`);
      return [kid, key] as const;
    });
    this.keys = new Map(entries);
    this.current = entries[0][0];
  }

  /** `v1.<kid>.<iv>.<ciphertext>.<tag>`, base64url; `context` binds it to its purpose (AAD). */
  seal(plaintext: string | Buffer, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.current)!, iv, { authTagLength: TAG_LENGTH }).setAAD(
      Buffer.from(context),
    );
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return ['v1', this.current, iv, body, cipher.getAuthTag()]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  open(sealed: string, context: string): Buffer {
    const [version, kid, iv, body, tag] = sealed.split('.');
    const key = this.keys.get(kid ?? '');
    if (version !== 'v1' || !key || !iv || !body || !tag) {
      throw commonErrors.SEALED_VALUE_INVALID('The sealed value is malformed or its key is unknown');
    }
    try {
      const authTag = Buffer.from(tag, 'base64url');
      if (authTag.length !== TAG_LENGTH) throw new Error('wrong tag length');
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), {
        authTagLength: TAG_LENGTH,
      }).setAAD(Buffer.from(context));
      decipher.setAuthTag(authTag);
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    } catch {
      throw commonErrors.SEALED_VALUE_INVALID('The sealed value does not verify');
    }
  }

  get keyId(): string {
    return this.current;
  }
}
