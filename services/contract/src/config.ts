import {
  baseEnv,
  crmWebhookEnv,
  engineAccountPassword,
  isoDuration,
  isoPeriod,
  secret,
  timeZoneEnv,
} from '@otus/common';
import { z } from 'zod';
import { sealEnv } from './documents/seal/seal.config';
import { reminderOffsets } from './lifecycle/signing-reminders';

const duration = z.string().regex(/^P/, 'expected an ISO-8601 duration such as PT72H');

export const contractEnv = baseEnv.extend({
  CONTRACT_PORT: z.coerce.number().int().positive().default(3002),
  /** Prometheus only: `/metrics` is served here, never on CONTRACT_PORT. */
  CONTRACT_METRICS_PORT: z.coerce.number().int().positive().default(9102),
  /** This service's engine account (contractService): the engine creates it with the same variable. */
  CONTRACT_ENGINE_PASSWORD: engineAccountPassword,
  CONTRACT_MONGO_URL: secret('url', z.url()),
  /** Seals the client's personal data at rest (AES-256-GCM): `kid:base64key,…`, the first seals. */
  CONTRACT_PERSONAL_DATA_KEYS: secret('keys', z.string().min(1)),
  /** HMAC key for signing codes: six digits are guessable offline, so they are never stored as a plain hash. */
  CONTRACT_SIGNING_CODE_SECRET: secret('token', z.string().min(32)),
  /** Deadlines handed to the process (ISO-8601), read by its timers. */
  CONTRACT_LINK_TTL: duration.default('PT72H'),
  CONTRACT_SIGN_TTL: duration.default('PT48H'),
  CONTRACT_LINK_REMINDER_AFTER: duration.default('PT48H'),
  /** Reminders before the signing deadline (how long before it), e.g. `PT24H,PT2H`; empty for none. */
  CONTRACT_SIGNING_REMINDERS: reminderOffsets.default([24 * 3_600_000, 2 * 3_600_000]),
  CONTRACT_SIGNING_CODE_TTL: isoDuration.default(10 * 60_000),
  CONTRACT_SIGNING_CODE_MAX_ATTEMPTS: z.coerce.number().int().positive().default(5),
  /** Codes per application before signing locks (each with its own tries); staff unlock it. */
  CONTRACT_SIGNING_CODE_MAX_CODES: z.coerce.number().int().positive().default(3),
  CONTRACT_SIGNING_CODE_RESEND_AFTER: isoDuration.default(60_000),
  /**
   * How long the download URL in a `contract.signed` webhook works. The webhook's body is fixed at
   * its first attempt, so a late retry or a resend may carry an expired one: the CRM then fetches
   * the contract with its API key.
   */
  CONTRACT_DOWNLOAD_LINK_TTL: isoDuration.default(60 * 60_000),
  /**
   * How many times a client may correct their data while the draft awaits a signature (each
   * correction withdraws the draft and makes a new one); 0 turns corrections off.
   */
  CONTRACT_MAX_CORRECTIONS: z.coerce.number().int().min(0).max(20).default(2),
  /**
   * The school's policy on personal data (152-FZ): the form links to it and its consent box names
   * this version; each consent is recorded in the audit chain with both. A new text, a new version.
   */
  CONTRACT_PRIVACY_POLICY_URL: z.url({ protocol: /^https?$/ }),
  CONTRACT_PRIVACY_POLICY_VERSION: z.string().trim().min(1).max(64),
  /**
   * A client whose link no longer opens may ask for a new one from the link page: this many
   * times they get it at once by e-mail (0: never); past that, each request goes to the school
   * (webhook `link.renewal-requested`), at most CONTRACT_LINK_RENEWAL_REQUESTS times.
   */
  CONTRACT_LINK_SELF_RENEWALS: z.coerce.number().int().min(0).max(5).default(1),
  CONTRACT_LINK_RENEWAL_REQUESTS: z.coerce.number().int().min(0).max(20).default(3),
  /**
   * The school's zone: it dates the contract (and so picks its template version) and shows the
   * times on the PDF and the pages. The template names it in words (`timeZoneName`, «московское
   * время» in 2026-11): another zone needs a template version that names that zone.
   */
  CONTRACT_TIME_ZONE: timeZoneEnv,
  /**
   * How long an application's personal data and documents are kept after it ended (152-FZ: no
   * longer than its purpose needs): without a contract, and with one (the period the school must
   * keep contracts; 5 years by default). Then the erasure job erases them (docs/operations.md).
   */
  CONTRACT_RETENTION_WITHOUT_CONTRACT: isoPeriod.default('P30D'),
  CONTRACT_RETENTION_CONCLUDED: isoPeriod.default('P5Y'),
  /** How often the erasure job looks for applications past their retention. */
  CONTRACT_ERASURE_CHECK_MS: z.coerce.number().int().positive().default(3_600_000),
  /** The notification service's base URL for its /internal routes (signing-code e-mails). */
  NOTIFICATION_INTERNAL_URL: z.url(),
  /** The user service's base URL for its /internal routes (whose application a link's token was). */
  USER_INTERNAL_URL: z.url(),
  /** The promo service's base URL for its /internal routes (erasure of a redemption's e-mail hash). */
  PROMO_INTERNAL_URL: z.url(),
  /** Hosts an application's webhookUrl may name; the notification service checks the same list before sending. */
  ...crmWebhookEnv.shape,
  /** The school's seal on the signed contract PDF (documents/seal). */
  ...sealEnv.shape,
});
export type ContractEnv = z.infer<typeof contractEnv>;
