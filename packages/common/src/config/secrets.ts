import { createHash } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { z } from 'zod';
import { KNOWN_PLACEHOLDERS } from './known-placeholders';

/**
 * How a secret is judged when NODE_ENV=production (validateEnv refuses the service's start):
 * - `token`: made by a machine (HMAC keys, bearer tokens): random-looking text;
 * - `password`: may be chosen by a person: zxcvbn's guess estimate;
 * - `keys`: `kid:base64,…`, each key 32 random bytes (AES-256);
 * - `url`: a connection URL, judged by its password (as `password`) when it has one.
 */
export type SecretKind = 'token' | 'password' | 'keys' | 'url';

/** Thresholds (documented in docs/deployment.md, "Secrets in production"). */
export const SECRET_RULES = {
  /** Tokens: at least this long, this many bits of Shannon entropy per character and in all. */
  tokenMinLength: 32,
  tokenMinBitsPerChar: 3.5,
  tokenMinBits: 100,
  /** Passwords: at least this long, and zxcvbn's estimate of guesses at least 10^passwordMinGuessesLog10. */
  passwordMinLength: 12,
  passwordMinGuessesLog10: 11,
  /**
   * Keys: Shannon entropy of the 32 bytes. Random bytes give ≈4.85 bits a byte; below 4 needs
   * about 16 repeated bytes out of 32 (chance below 1e-12). Bytes that are all printable ASCII
   * are text (a passphrase base64-encoded), never a random key (chance (95/256)^32 ≈ 2e-14).
   */
  keyMinBitsPerByte: 4,
} as const;

/** Words that mark an example value, matched case-insensitively with separators removed. */
const PLACEHOLDER_MARKERS = ['changeme', 'placeholder', 'localonly', 'example', 'dummy', 'insecure', 'notasecret'];

const registry = z.registry<{ secret: SecretKind }>();

/** Marks a variable of an env schema as a secret of this kind: validateEnv checks it in production. */
export function secret<S extends z.ZodType>(kind: SecretKind, schema: S): S {
  registry.add(schema, { secret: kind });
  return schema;
}

type Inner = { _zod: { def: { innerType?: z.ZodType; in?: z.ZodType } } };

/** The secret variables of an object schema (through optional, default and transform wrappers). */
export function secretVariables(schema: z.ZodType): Map<string, SecretKind> {
  const found = new Map<string, SecretKind>();
  if (!(schema instanceof z.ZodObject)) return found;
  for (const [name, field] of Object.entries<z.ZodType>(schema.shape)) {
    for (let s: z.ZodType | undefined = field; s;) {
      const meta = registry.get(s);
      if (meta) {
        found.set(name, meta.secret);
        break;
      }
      const def: Inner['_zod']['def'] = (s as unknown as Inner)._zod.def;
      s = def.innerType ?? def.in;
    }
  }
  return found;
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** Shannon entropy in bits per symbol of the symbols' own frequencies. */
export function shannonBitsPerSymbol(symbols: ArrayLike<string | number>): number {
  const counts = new Map<string | number, number>();
  for (let i = 0; i < symbols.length; i++) counts.set(symbols[i], (counts.get(symbols[i]) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / symbols.length) * Math.log2(n / symbols.length);
  return bits;
}

function placeholder(value: string | Buffer): string | undefined {
  const source = KNOWN_PLACEHOLDERS.get(sha256(value));
  if (source) return `is the example value from ${source}`;
  const plain = value
    .toString()
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  const marker = PLACEHOLDER_MARKERS.find((m) => plain.includes(m));
  return marker ? `looks like a placeholder (contains "${marker}")` : undefined;
}

/** `abcabcabc` is `abc` repeated: the shortest unit the whole string repeats, if shorter than it. */
function repeatedUnit(value: string): number | undefined {
  const unit = (value + value).indexOf(value, 1);
  return unit < value.length ? unit : undefined;
}

function tokenReason(value: string): string | undefined {
  const r = SECRET_RULES;
  const unit = repeatedUnit(value);
  if (unit !== undefined) return `is a ${unit}-character pattern repeated`;
  if (value.length < r.tokenMinLength) return `is too short (${value.length} characters, needs ${r.tokenMinLength})`;
  const perChar = shannonBitsPerSymbol([...value]);
  if (perChar < r.tokenMinBitsPerChar || perChar * value.length < r.tokenMinBits)
    return `has too little entropy (${perChar.toFixed(1)} bits a character, ${Math.round(perChar * value.length)} in all; needs ${r.tokenMinBitsPerChar} and ${r.tokenMinBits}: use random bytes)`;
  return undefined;
}

let zxcvbn: ZxcvbnFactory | undefined;
function passwordReason(value: string): string | undefined {
  const r = SECRET_RULES;
  const unit = repeatedUnit(value);
  if (unit !== undefined) return `is a ${unit}-character pattern repeated`;
  if (value.length < r.passwordMinLength)
    return `is too short (${value.length} characters, needs ${r.passwordMinLength})`;
  zxcvbn ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const guesses = zxcvbn.check(value).guessesLog10;
  if (guesses < r.passwordMinGuessesLog10)
    return `is too easy to guess (about 10^${guesses.toFixed(1)} guesses, needs 10^${r.passwordMinGuessesLog10})`;
  return undefined;
}

/** Why one decoded AES-256 key is not random bytes; a key of the wrong size is the schema's to name. */
function keyBytesReason(key: Buffer): string | undefined {
  if (key.length !== 32) return undefined;
  if (key.every((b) => b >= 0x20 && b <= 0x7e)) return 'decodes to text, not random bytes';
  const bits = shannonBitsPerSymbol(key);
  if (bits < SECRET_RULES.keyMinBitsPerByte)
    return `has too little entropy (${bits.toFixed(1)} bits a byte, needs ${SECRET_RULES.keyMinBitsPerByte})`;
  return undefined;
}

function keysReason(value: string): string | undefined {
  for (const part of value.split(',')) {
    const [kid, encoded = ''] = part.trim().split(':');
    const why = placeholder(encoded) ?? keyBytesReason(Buffer.from(encoded, 'base64'));
    if (why)
      return `key "${kid}" ${why}: make one with node -e 'console.log("k1:" + require("crypto").randomBytes(32).toString("base64"))'`;
  }
  return undefined;
}

/** Why `value` is not fit to be a production secret of this kind, or undefined. Never echoes the value. */
export function weakSecretReason(kind: SecretKind, value: string): string | undefined {
  switch (kind) {
    case 'keys':
      return placeholder(value) ?? keysReason(value);
    case 'url': {
      let password: string;
      try {
        password = decodeURIComponent(new URL(value).password);
      } catch {
        return undefined; // the schema reports a malformed URL
      }
      const why = password ? (placeholder(password) ?? passwordReason(password)) : undefined;
      return why && `its password ${why}`;
    }
    case 'password':
      return placeholder(value) ?? passwordReason(value);
    case 'token':
      return placeholder(value) ?? tokenReason(value);
  }
}

/** One line per secret of `schema` that `env` sets to a placeholder or a weak value. */
export function weakSecrets(schema: z.ZodType, env: Record<string, unknown>): string[] {
  const lines: string[] = [];
  for (const [name, kind] of secretVariables(schema)) {
    const value = env[name];
    if (typeof value !== 'string' || value === '') continue; // optional and unset: nothing to leak
    const why = weakSecretReason(kind, value);
    if (why) lines.push(`${name}: refused with NODE_ENV=production: ${why}`);
  }
  return lines;
}
