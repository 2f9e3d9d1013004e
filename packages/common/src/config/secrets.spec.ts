import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { baseEnv, validateEnv } from './env';
import { secret, secretVariables, shannonBitsPerSymbol } from './secrets';

describe('secret variables', () => {
  const schema = baseEnv.extend({
    DB_URL: secret('url', z.url()),
    SEAL_KEYS: secret('keys', z.string()).default(''),
    PASSWORD: secret('password', z.string()).optional(),
    PLAIN: z.string().optional(),
  });
  const env = {
    CAMUNDA_REST_URL: 'http://127.0.0.1:8081/engine-rest',
    DB_URL: 'postgres://otus:change-me-postgres@db/x',
    INTERNAL_API_TOKEN: 'a'.repeat(40),
    PLAIN: 'change-me',
  };

  it('are found through optional, default and transform wrappers', () => {
    const found = Object.fromEntries(secretVariables(schema));
    expect(found).not.toHaveProperty('PLAIN');
    expect(found).toMatchObject({
      CAMUNDA_REST_URL: 'url',
      INTERNAL_API_TOKEN: 'token',
      DB_URL: 'url',
      SEAL_KEYS: 'keys',
      PASSWORD: 'password',
    });
  });

  it('are refused only with NODE_ENV=production, each named, the value never shown', () => {
    expect(validateEnv(schema)(env)).toMatchObject({ DB_URL: env.DB_URL });
    expect(validateEnv(schema)({ ...env, NODE_ENV: 'test' })).toMatchObject({ DB_URL: env.DB_URL });
    const refuse = () => validateEnv(schema)({ ...env, NODE_ENV: 'production' });
    expect(refuse).toThrow(
      'Invalid environment:\n' +
        '  INTERNAL_API_TOKEN: refused with NODE_ENV=production: is a 1-character pattern repeated\n' +
        '  DB_URL: refused with NODE_ENV=production: its password is the example value from .env.example',
    );
    expect(refuse).not.toThrow(/change-me-postgres|aaaa/);
  });

  it('pass in production when random', () => {
    const good = {
      ...env,
      NODE_ENV: 'production',
      DB_URL: 'postgres://db/x',
      INTERNAL_API_TOKEN: randomBytes(32).toString('hex'),
    };
    expect(validateEnv(schema)({ ...good, SEAL_KEYS: `k1:${randomBytes(32).toString('base64')}` })).toMatchObject({
      NODE_ENV: 'production',
    });
  });

  it('estimates Shannon entropy per symbol', () => {
    expect(shannonBitsPerSymbol('aaaa')).toBe(0);
    expect(shannonBitsPerSymbol('abcd')).toBe(2);
    expect(shannonBitsPerSymbol(Buffer.from([0, 255]))).toBe(1);
  });
});
