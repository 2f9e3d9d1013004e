import { baseEnv, isoDuration } from '@otus/common';
import { z } from 'zod';

export const userEnv = baseEnv.extend({
  USER_PORT: z.coerce.number().int().positive().default(3001),
  USER_DB_URL: z.url(),
  /** The first administrator, created at the first start when no admin exists. There is no default password. */
  USER_ADMIN_EMAIL: z.email().optional(),
  USER_ADMIN_PASSWORD: z.string().min(12).optional(),
  /** Seals the signing keys' private halves at rest: `kid:base64key,…`, the first seals. */
  USER_KEY_SEAL_KEYS: z.string().min(1),
  /** Seals client-link tokens for the notification service (shared with it). */
  CLIENT_LINK_SEAL_KEYS: z.string().min(1),
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
});
export type UserEnv = z.infer<typeof userEnv>;
