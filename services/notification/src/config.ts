import { baseEnv, crmWebhookEnv, engineAccountPassword, SealedBox, secret, timeZoneEnv } from '@otus/common';
import { z } from 'zod';

/** `kid:base64key,…` as SealedBox takes it; checked here so a bad key stops start-up, named. */
const sealKeys = z.string().refine(
  (spec) => {
    try {
      new SealedBox(spec);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected kid:<32 bytes in base64>[,kid2:…]' },
);

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const notificationEnv = baseEnv
  .extend({
    NOTIFICATION_PORT: z.coerce.number().int().positive().default(3005),
    /** Prometheus only: `/metrics` is served here, never on NOTIFICATION_PORT. */
    NOTIFICATION_METRICS_PORT: z.coerce.number().int().positive().default(9105),
    /** This service's engine account (notificationService): the engine creates it with the same variable. */
    NOTIFICATION_ENGINE_PASSWORD: engineAccountPassword,
    NOTIFICATION_DB_URL: secret('url', z.url()),
    /** The internal e-mail route and the contract service's document route both need it here. */
    INTERNAL_API_TOKEN: secret('token', z.string().min(32)),

    /** SMTP as one URL (smtp://user:pass@host:587, smtps://…:465), or as host and port. */
    NOTIFICATION_SMTP_URL: secret('url', z.url({ protocol: /^smtps?$/ })).optional(),
    NOTIFICATION_SMTP_HOST: z.string().min(1).optional(),
    NOTIFICATION_SMTP_PORT: z.coerce.number().int().positive().default(587),
    NOTIFICATION_SMTP_USER: z.string().optional(),
    NOTIFICATION_SMTP_PASSWORD: secret('password', z.string()).optional(),
    /** Connect, greeting and socket timeout of one SMTP send. */
    NOTIFICATION_SMTP_TIMEOUT_MS: ms(10_000),
    NOTIFICATION_MAIL_FROM: z.string().min(3),
    /** Where the templates live; by default services/notification/templates. */
    NOTIFICATION_TEMPLATES_DIR: z.string().optional(),
    /** Times in e-mails are shown in this zone. */
    NOTIFICATION_TIME_ZONE: timeZoneEnv,

    /** The public origin the client opens links on: `${CLIENT_BASE_URL}/l/<token>`. */
    CLIENT_BASE_URL: z.url(),
    /** Opens `clientLinkRef` (sealed by the user service with the same keys). */
    CLIENT_LINK_SEAL_KEYS: secret('keys', sealKeys),
    /** The contract service's own address (not the gateway): the signed PDF is fetched from its internal route. */
    CONTRACT_INTERNAL_URL: z.url(),
    NOTIFICATION_DOCUMENT_TIMEOUT_MS: ms(15_000),
    /** The course service's own address: who of the staff hears of a course's applications (staff notices). */
    COURSE_INTERNAL_URL: z.url(),
    /** When the day's staff digest goes out, HH:MM in NOTIFICATION_TIME_ZONE. */
    NOTIFICATION_DIGEST_TIME: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour clock)')
      .default('09:00'),
    /** How often the service looks for a digest due. */
    NOTIFICATION_DIGEST_CHECK_MS: ms(60_000),

    /** Seals the CRM webhook secrets at rest. */
    NOTIFICATION_SECRET_SEAL_KEYS: secret('keys', sealKeys),
    /** Used when neither the application nor its CRM client has an endpoint. */
    NOTIFICATION_DEFAULT_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    NOTIFICATION_DEFAULT_WEBHOOK_SECRET: secret('token', z.string().min(16)).optional(),
    /** Hosts a process's crmWebhookUrl may name (the CRM sets it; the contract service checks the same list). */
    ...crmWebhookEnv.shape,
    /** One webhook request; the worker extends its task's lock while the attempts run. */
    NOTIFICATION_WEBHOOK_TIMEOUT_MS: ms(5_000),
    /** Requests per task run (the first plus in-process retries), then the task fails and the engine retries. */
    NOTIFICATION_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
    NOTIFICATION_WEBHOOK_RETRY_BASE_MS: ms(500),
    NOTIFICATION_WEBHOOK_RETRY_MAX_MS: ms(4_000),

    /** Engine retries of a failed notification task (SMTP or CRM down) before it becomes an incident. */
    NOTIFICATION_TASK_RETRIES: z.coerce.number().int().min(1).default(10),
    NOTIFICATION_TASK_RETRY_BASE_MS: ms(5_000),
    NOTIFICATION_TASK_RETRY_MAX_MS: ms(300_000),
    /** How long one attempt may hold a message before another worker may try it (crash safety). */
    NOTIFICATION_CLAIM_TTL_MS: ms(120_000),
  })
  .superRefine((env, ctx) => {
    if (!env.NOTIFICATION_SMTP_URL && !env.NOTIFICATION_SMTP_HOST) {
      ctx.addIssue({
        code: 'custom',
        path: ['NOTIFICATION_SMTP_URL'],
        message: 'NOTIFICATION_SMTP_URL or NOTIFICATION_SMTP_HOST is required',
      });
    }
    if (env.NOTIFICATION_DEFAULT_WEBHOOK_URL && !env.NOTIFICATION_DEFAULT_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['NOTIFICATION_DEFAULT_WEBHOOK_SECRET'],
        message: 'required with NOTIFICATION_DEFAULT_WEBHOOK_URL: every webhook is signed',
      });
    }
  });
export type NotificationEnv = z.infer<typeof notificationEnv>;
