import { CODE_ALPHABET, CODE_PATTERN, generateUnique, normalizeCode, parseCode, randomCode } from './code-format';

describe('CODE_ALPHABET', () => {
  it('has no look-alikes and no repeats', () => {
    for (const ch of '0O1IL') expect(CODE_ALPHABET).not.toContain(ch);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
    expect(CODE_ALPHABET).toMatch(/^[A-Z2-9]+$/);
    expect(CODE_ALPHABET).toHaveLength(31);
  });
});

describe('randomCode', () => {
  it('draws only from the alphabet, with the requested length', () => {
    for (const length of [6, 8, 16]) {
      const code = randomCode(length);
      expect(code).toHaveLength(length);
      expect([...code].every((ch) => CODE_ALPHABET.includes(ch))).toBe(true);
      expect(code).toMatch(CODE_PATTERN);
    }
  });

  it('puts an upper-cased prefix and a dash in front', () => {
    expect(randomCode(6, 'spring26', () => 0)).toBe('SPRING26-222222');
    expect(randomCode(16, 'ABCDEFGHIJKLMNOP')).toMatch(CODE_PATTERN);
  });

  it('uses every symbol of the alphabet (the CSPRNG index covers it all)', () => {
    const seen = new Set(randomCode(5000));
    expect(seen.size).toBe(CODE_ALPHABET.length);
  });

  it('rarely repeats: 10 000 codes of 8 symbols are all different', () => {
    const codes = new Set(Array.from({ length: 10_000 }, () => randomCode(8)));
    expect(codes.size).toBe(10_000);
  });
});

describe('normalizeCode / parseCode', () => {
  it('matches codes case-insensitively and ignores surrounding spaces', () => {
    expect(normalizeCode('  spring-2026 ')).toBe('SPRING-2026');
    expect(parseCode('Spring_2026')).toBe('SPRING_2026');
  });

  it.each([null, undefined, '', '   ', 'ab', 'with space', 'ПРОМО', 'x'.repeat(41), "'; DROP TABLE"])(
    'treats %p as no possible code',
    (input) => {
      expect(parseCode(input)).toBeNull();
    },
  );
});

describe('generateUnique', () => {
  it('draws again for codes that collided in the database, until it has them all', async () => {
    const taken = new Set(['AAAAAA', 'BBBBBB']);
    const draws = ['AAAAAA', 'CCCCCC', 'BBBBBB', 'DDDDDD', 'EEEEEE'];
    const insert = jest.fn(async (codes: string[]) => {
      const fresh = codes.filter((c) => !taken.has(c));
      fresh.forEach((c) => taken.add(c));
      return fresh;
    });
    const stored = await generateUnique(3, () => draws.shift()!, insert);
    expect(stored).toEqual(['CCCCCC', 'DDDDDD', 'EEEEEE']);
    expect(insert.mock.calls).toEqual([[['AAAAAA', 'CCCCCC', 'BBBBBB']], [['DDDDDD', 'EEEEEE']]]);
  });

  it('never asks for the same code twice in one batch', async () => {
    const draws = ['AAAAAA', 'AAAAAA', 'BBBBBB'];
    const insert = jest.fn(async (codes: string[]) => codes);
    expect(await generateUnique(2, () => draws.shift()!, insert)).toEqual(['AAAAAA', 'BBBBBB']);
  });

  it('gives up after the last round when the code space is crowded', async () => {
    const insert = jest.fn(async () => []);
    expect(await generateUnique(2, () => 'AAAAAA', insert, 3)).toEqual([]);
    expect(insert).toHaveBeenCalledTimes(3);
  });
});
