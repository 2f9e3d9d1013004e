import { ConfigModule } from '@nestjs/config';
import { z } from 'zod';
import { secret, weakSecrets } from './secrets';

/** Durations and sizes used by every service; each service extends this schema with its own. */
export const baseEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_HOST: z.string().default('0.0.0.0'),
  CAMUNDA_REST_URL: secret('url', z.url()),
  /** Staff tokens are checked against the issuer's JWKS: fetched from AUTH_JWKS_URL, or given inline in AUTH_JWKS. */
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_JWKS: z.string().optional(),
  AUTH_ISSUER: z.string().default('otus-contract'),
  AUTH_AUDIENCE: z.string().default('otus-contract'),
  /** Shared by the services for their few internal routes, which the gateway never exposes. */
  INTERNAL_API_TOKEN: secret('token', z.string().min(32)).optional(),
  WORKER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  WORKER_MAX_TASKS: z.coerce.number().int().positive().default(10),
  WORKER_MAX_PARALLEL: z.coerce.number().int().positive().default(10),
  // Short, and extended every half lock while a handler runs: a dead worker's task comes back soon.
  WORKER_LOCK_DURATION_MS: z.coerce.number().int().min(2_000).default(10_000),
  WORKER_LONG_POLL_MS: z.coerce.number().int().positive().default(20_000),
  WORKER_POLL_INTERVAL_MS: z.coerce.number().int().nonnegative().default(20),
  WORKER_MAX_RETRIES: z.coerce.number().int().nonnegative().default(3),
  WORKER_RETRY_BASE_MS: z.coerce.number().int().positive().default(5_000),
  WORKER_RETRY_MAX_MS: z.coerce.number().int().positive().default(150_000),
  WORKER_ENGINE_BACKOFF_MAX_MS: z.coerce.number().int().positive().default(30_000),
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().nonnegative().default(10_000),
});
export type BaseEnv = z.infer<typeof baseEnv>;

/**
 * Turns a zod failure into one line per variable, so a bad deployment names what to fix. With
 * NODE_ENV=production it also refuses every `secret(…)` variable set to a published placeholder
 * or a weak value (./secrets.ts), naming the variable and why, never the value.
 */
export function validateEnv<T extends Record<string, unknown>>(schema: z.ZodType<T>) {
  return (raw: Record<string, unknown>): T => {
    const invalid = (lines: string[]) => new Error(`Invalid environment:\n${lines.map((l) => `  ${l}`).join('\n')}`);
    const result = schema.safeParse(raw);
    if (!result.success) throw invalid(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
    const weak = result.data.NODE_ENV === 'production' ? weakSecrets(schema, result.data) : [];
    if (weak.length > 0) throw invalid(weak);
    return result.data;
  };
}

export function configModule<T extends Record<string, unknown>>(schema: z.ZodType<T>) {
  return ConfigModule.forRoot({ isGlobal: true, cache: true, validate: validateEnv(schema) });
}
