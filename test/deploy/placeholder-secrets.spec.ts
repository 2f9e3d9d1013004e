/**
 * With NODE_ENV=production no service accepts a secret the repository publishes as an example
 * (.env.example, stack/stack.env, k8s/secrets.env.example, the Helm chart's values), nor a weak
 * one; the list of known placeholders (packages/common/src/config/known-placeholders.ts) is
 * generated from those files and must be in sync with them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { validateEnv, weakSecretReason } from '@otus/common';
import { SERVICE_ENVS, SERVICES } from './support/service-envs';

const ROOT = join(__dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/known-placeholders.mjs');

interface Placeholder {
  source: string;
  variable: string;
  value: string;
}
const placeholders = JSON.parse(
  execFileSync(process.execPath, [SCRIPT, '--json'], { encoding: 'utf8' }),
) as Placeholder[];

const randomToken = () => randomBytes(32).toString('base64url');
const randomKeys = () => `k1:${randomBytes(32).toString('base64')}`;

/** A production environment every service accepts: random secrets of the right shape. */
function goodEnv(): Record<string, string> {
  const pg = (db: string) => `postgres://otus:${randomToken()}@postgres:5432/${db}`;
  return {
    NODE_ENV: 'production',
    CAMUNDA_REST_URL: 'http://engine:8081/engine-rest',
    AUTH_JWKS_URL: 'http://user:3001/.well-known/jwks.json',
    INTERNAL_API_TOKEN: randomToken(),
    USER_DB_URL: pg('otus_user'),
    COURSE_DB_URL: pg('otus_course'),
    PROMO_DB_URL: pg('otus_promo'),
    NOTIFICATION_DB_URL: pg('otus_notification'),
    CONTRACT_MONGO_URL: `mongodb://otus:${randomToken()}@mongo:27017/contract?authSource=admin`,
    USER_ADMIN_EMAIL: 'admin@example.org',
    USER_ADMIN_PASSWORD: randomBytes(12).toString('base64url'),
    USER_KEY_SEAL_KEYS: randomKeys(),
    CLIENT_LINK_SEAL_KEYS: randomKeys(),
    NOTIFICATION_SECRET_SEAL_KEYS: randomKeys(),
    CONTRACT_PERSONAL_DATA_KEYS: `k2:${randomBytes(32).toString('base64')},${randomKeys()}`,
    CONTRACT_SIGNING_CODE_SECRET: randomBytes(32).toString('hex'),
    CONTRACT_SEAL_P12_FILE: '/run/secrets/contract_seal_p12',
    CONTRACT_SEAL_P12_PASSPHRASE: randomBytes(16).toString('base64url'),
    NOTIFICATION_INTERNAL_URL: 'http://notification:3005',
    USER_INTERNAL_URL: 'http://user:3001',
    PROMO_INTERNAL_URL: 'http://promo:3004',
    CONTRACT_PRIVACY_POLICY_URL: 'https://contract.example.org/privacy',
    CONTRACT_PRIVACY_POLICY_VERSION: '1',
    NOTIFICATION_SMTP_URL: 'smtp://mail:1025',
    NOTIFICATION_MAIL_FROM: 'OTUS <no-reply@otus-contract.local>',
    CLIENT_BASE_URL: 'https://contract.example.org',
    CONTRACT_INTERNAL_URL: 'http://contract:3002',
    COURSE_INTERNAL_URL: 'http://course:3003',
    // Each service's engine account (<SERVICE>_ENGINE_PASSWORD), where its schema has one.
    ...Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_ENGINE_PASSWORD`, randomToken()])),
  };
}

/** The service variables a published value ends up in (compose puts PG_PASSWORD into the URLs). */
function asServiceVariables({ variable, value }: Placeholder): Record<string, string>[] {
  const url = (name: string, scheme: string) => ({
    [name]: `${scheme}://otus:${encodeURIComponent(value)}@db.internal:5432/x`,
  });
  if (variable === 'PG_PASSWORD')
    return ['USER_DB_URL', 'COURSE_DB_URL', 'PROMO_DB_URL', 'NOTIFICATION_DB_URL'].map((n) => url(n, 'postgres'));
  if (variable === 'MONGO_PASSWORD') return [url('CONTRACT_MONGO_URL', 'mongodb')];
  return [{ [variable]: value }];
}

function refusal(service: string, env: Record<string, string>): string {
  try {
    validateEnv(SERVICE_ENVS[service] as never)(env);
    return '(accepted)';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('secrets in production', () => {
  it('known-placeholders.ts is in sync with the example files (node scripts/known-placeholders.mjs)', () => {
    const check = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('finds the placeholders of every example file', () => {
    const sources = new Set(placeholders.map((p) => p.source));
    for (const file of [
      '.env.example',
      'stack/stack.env',
      'k8s/secrets.env.example',
      'helm/otus-contract/ci/production-values.yaml',
    ])
      expect(sources).toContain(file);
    // The chart's own defaults are empty (the templates require them), compose has none.
    expect(placeholders.filter((p) => p.source === 'helm/otus-contract/values.yaml')).toEqual([]);
  });

  it.each(SERVICES)('%s starts with random secrets under NODE_ENV=production', (service) => {
    expect(refusal(service, goodEnv())).toBe('(accepted)');
  });

  it('every published placeholder a service reads is refused, naming the variable and not the value', () => {
    let checked = 0;
    for (const placeholder of placeholders) {
      for (const overrides of asServiceVariables(placeholder)) {
        const [variable] = Object.keys(overrides);
        for (const service of SERVICES.filter((s) => variable in SERVICE_ENVS[s].shape)) {
          const message = refusal(service, { ...goodEnv(), ...overrides });
          expect(`${placeholder.source} ${service}: ${message}`).toMatch(
            // refused for production, or already by the schema (k1:CHANGE-ME is no 32-byte key)
            new RegExp(`^\\S+ ${service}: Invalid environment:\\n  ${variable}: `),
          );
          expect(message).not.toContain(placeholder.value);
          checked++;
        }
      }
    }
    // CAMUNDA_ADMIN_PASSWORD, GRAFANA_ADMIN_PASSWORD and ENGINE_DB_PASSWORD are the engine's and Grafana's.
    expect(checked).toBeGreaterThan(50);
  });

  it('says where an exact placeholder comes from', () => {
    const env = { ...goodEnv(), INTERNAL_API_TOKEN: 'change-me-internal-token-at-least-32-chars' };
    expect(refusal('promo', env)).toContain(
      'INTERNAL_API_TOKEN: refused with NODE_ENV=production: is the example value from .env.example',
    );
  });

  it('keeps the local stack (NODE_ENV=development) and the tests working with the placeholders', () => {
    for (const p of placeholders.filter((x) => x.source === 'stack/stack.env'))
      for (const overrides of asServiceVariables(p)) {
        const [variable] = Object.keys(overrides);
        for (const service of SERVICES.filter((s) => variable in SERVICE_ENVS[s].shape))
          expect(refusal(service, { ...goodEnv(), NODE_ENV: 'development', ...overrides })).toBe('(accepted)');
      }
  });

  describe('refuses weak values of each kind', () => {
    const textKey = (text: string) => `k1:${Buffer.from(text).toString('base64')}`;
    it.each([
      ['token', 'too short', 'Xq3vR9sLk2', /too short/],
      ['token', 'one character', 'a'.repeat(40), /pattern repeated/],
      ['token', 'a repeated pattern', 'Xq3vR9sLk2'.repeat(4), /10-character pattern repeated/],
      ['token', 'low entropy', `${'a'.repeat(38)}bc`, /too little entropy/],
      [
        'token',
        'hex of too few bytes',
        randomBytes(8).toString('hex').repeat(1) + '0'.repeat(16),
        /too little entropy/,
      ],
      [
        'token',
        'a change-me phrase',
        'please-change-me-to-something-long-enough',
        /placeholder \(contains "changeme"\)/,
      ],
      ['password', 'a guessable password', 'Password2024!', /too easy to guess/],
      ['password', 'too short', 'Xq3v!9', /too short/],
      ['keys', 'text as a key', textKey('my-own-seal-key-typed-by-hand-01'), /key "k1" decodes to text/],
      [
        'keys',
        'low-entropy key bytes',
        `k1:${Buffer.alloc(32, Buffer.from([0, 1, 2, 3])).toString('base64')}`,
        /too little entropy/,
      ],
      [
        'keys',
        'a weak second key',
        `${randomKeys()},old:${Buffer.from('0'.repeat(32)).toString('base64')}`,
        /key "old"/,
      ],
      ['url', 'a weak password in a URL', 'postgres://otus:secret123@db:5432/x', /its password is too short/],
    ] as const)('%s: %s', (kind, _what, value, why) => {
      expect(weakSecretReason(kind, value)).toMatch(why);
    });

    it.each([
      ['token', randomBytes(32).toString('base64url')],
      ['token', randomBytes(32).toString('hex')],
      ['token', randomBytes(24).toString('base64')],
      ['password', randomBytes(12).toString('base64url')],
      ['password', 'Kx7-plume-ORBIT-93-vandal'],
      ['keys', `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`],
      ['url', 'mongodb://mongo:27017/contract'],
      ['url', `smtps://mailer:${randomToken()}@smtp.example.org:465`],
    ] as const)('accepts a good %s', (kind, value) => {
      expect(weakSecretReason(kind, value)).toBeUndefined();
    });
  });
});
