import { randomInt } from 'node:crypto';

/**
 * Letters and digits a person copies without mistakes: no 0/O and no 1/I/L.
 * 31 symbols, so 8 of them already give 31^8 ≈ 8.5·10^11 codes.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A stored code: upper-case Latin letters, digits, "-" and "_", 3..40 characters. */
export const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{2,39}$/;

/** How a client may type a code: any case, spaces around it. */
export function normalizeCode(input: string): string {
  return input.trim().toUpperCase();
}

/** The normalized code, or null when it cannot be a code at all (so no database lookup is needed). */
export function parseCode(input: string | null | undefined): string | null {
  if (input == null) return null;
  const code = normalizeCode(input);
  return CODE_PATTERN.test(code) ? code : null;
}

/** `length` symbols from CODE_ALPHABET drawn with a CSPRNG, after `PREFIX-` when a prefix is given. */
export function randomCode(length: number, prefix?: string, random: (max: number) => number = randomInt): string {
  let body = '';
  for (let i = 0; i < length; i++) body += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return prefix ? `${normalizeCode(prefix)}-${body}` : body;
}

/**
 * Stores `count` codes new to the database: each round draws fresh random codes, and `insert`
 * stores those nobody has, answering one entry (e.g. the id) per stored code; the rest
 * collided and are drawn again, for at most `rounds` rounds.
 */
export async function generateUnique(
  count: number,
  newCode: () => string,
  insert: (codes: string[]) => Promise<string[]>,
  rounds = 5,
): Promise<string[]> {
  const stored: string[] = [];
  for (let round = 0; round < rounds && stored.length < count; round++) {
    const batch = new Set<string>();
    // A bounded number of draws: a crowded code space must end in an error, not a loop.
    for (let draws = 0; batch.size < count - stored.length && draws < 10 * count; draws++) batch.add(newCode());
    stored.push(...(await insert([...batch])));
  }
  return stored;
}
