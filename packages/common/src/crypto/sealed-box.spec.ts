import { randomBytes } from 'node:crypto';
import { SealedBox } from './sealed-box';

const key = () => randomBytes(32).toString('base64');

describe('SealedBox', () => {
  it('opens what it sealed, for the same context only', () => {
    const box = new SealedBox(`k1:${key()}`);
    const sealed = box.seal('secret-token', 'client-link');
    expect(sealed).toMatch(/^v1\.k1\./);
    expect(sealed).not.toContain('secret-token');
    expect(box.open(sealed, 'client-link').toString()).toBe('secret-token');
    expect(() => box.open(sealed, 'passport')).toThrow(/does not verify/);
  });

  it('opens values sealed with an older key after rotation, and seals with the newest', () => {
    const [oldKey, newKey] = [key(), key()];
    const sealedBefore = new SealedBox(`old:${oldKey}`).seal('x', 'c');
    const rotated = new SealedBox(`new:${newKey},old:${oldKey}`);
    expect(rotated.open(sealedBefore, 'c').toString()).toBe('x');
    expect(rotated.seal('y', 'c')).toMatch(/^v1\.new\./);
  });

  it('refuses tampered, unknown-key and malformed values', () => {
    const box = new SealedBox(`k1:${key()}`);
    const parts = box.seal('secret', 'c').split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'c')).toThrow(/does not verify/);
    expect(() => new SealedBox(`k2:${key()}`).open(box.seal('s', 'c'), 'c')).toThrow(/unknown/);
    expect(() => box.open('garbage', 'c')).toThrow(/malformed/);
  });

  it('refuses a value whose tag was truncated (GCM accepts 4-byte tags unless the length is pinned)', () => {
    const box = new SealedBox(`k1:${key()}`);
    const parts = box.seal('secret', 'c').split('.');
    expect(Buffer.from(parts[4], 'base64url')).toHaveLength(16);
    for (const length of [4, 8, 12, 15]) {
      const truncated = [
        ...parts.slice(0, 4),
        Buffer.from(parts[4], 'base64url').subarray(0, length).toString('base64url'),
      ];
      expect(() => box.open(truncated.join('.'), 'c')).toThrow(/does not verify/);
    }
    const longer = [
      ...parts.slice(0, 4),
      Buffer.concat([Buffer.from(parts[4], 'base64url'), Buffer.alloc(1)]).toString('base64url'),
    ];
    expect(() => box.open(longer.join('.'), 'c')).toThrow(/does not verify/);
    expect(box.open(parts.join('.'), 'c').toString()).toBe('secret');
  });

  it('rejects keys of the wrong size at start-up', () => {
    expect(() => new SealedBox('k1:c2hvcnQ=')).toThrow(/32 bytes/);
  });
});
