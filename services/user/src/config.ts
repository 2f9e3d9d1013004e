import { baseEnv, engineAccountPassword, isoDuration, secret } from '@otus/common';
import { z } from 'zod';

export const userEnv = baseEnv.extend({
  USER_PORT: z.coerce.number().int().positive().default(3001),
  /** Prometheus only: `/metrics` is served here, never on USER_PORT. */
  USER_METRICS_PORT: z.coerce.number().int().positive().default(9101),
  /** This service's engine account (userService): the engine creates it with the same variable. */
  USER_ENGINE_PASSWORD: engineAccountPassword,
  USER_DB_URL: secret('url', z.url()),
  /** The first administrator, created at the first start when no admin exists. There is no default password. */
  USER_ADMIN_EMAIL: z.email().optional(),
  USER_ADMIN_PASSWORD: secret('password', z.string().min(12)).optional(),
  /** Seals the signing keys' private halves at rest: `kid:base64key,…`, the first seals. */
  USER_KEY_SEAL_KEYS: secret('keys', z.string().min(1)),
  /** Seals client-link tokens for the notification service (shared with it). */
  CLIENT_LINK_SEAL_KEYS: secret('keys', z.string().min(1)),
  USER_ACCESS_TOKEN_TTL: isoDuration.default(15 * 60_000),
  USER_REFRESH_TOKEN_TTL: isoDuration.default(7 * 86_400_000),
  USER_CLIENT_SESSION_TTL: isoDuration.default(30 * 60_000),
  /** Lifetime of the token the gateway trades a CRM API key for, per request. */
  USER_CRM_TOKEN_TTL: isoDuration.default(60_000),
  /** How long a client link keeps opening the cabinet after the signing deadline. */
  USER_CABINET_ACCESS: isoDuration.default(30 * 86_400_000),
  /** Cookies are Secure unless this is false (plain-HTTP development only). */
  USER_COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * The first administrator must set a new password before anything else. Unset: on when
   * NODE_ENV=production (the local stack and the tests run as development and keep theirs).
   */
  USER_ADMIN_MUST_CHANGE_PASSWORD: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  /** Failed sign-ins to one e-mail address within USER_LOGIN_FAILURE_WINDOW before it is locked. */
  USER_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  USER_LOGIN_FAILURE_WINDOW: isoDuration.default(15 * 60_000),
  /** The first lock; each further one (until a successful sign-in) lasts twice as long, up to USER_LOGIN_LOCK_MAX. */
  USER_LOGIN_LOCK: isoDuration.default(60_000),
  USER_LOGIN_LOCK_MAX: isoDuration.default(60 * 60_000),
  /** Least time between two reloads of the verification keys forced by an unknown `kid`. */
  USER_KEY_RELOAD_MIN_INTERVAL: isoDuration.default(1_000),
});
export type UserEnv = z.infer<typeof userEnv>;
