import { SealedBox, CLIENT_LINK_SEAL_CONTEXT } from '@otus/common';
import { stackEnv } from '@otus/testing';

const stack = stackEnv();

/**
 * The notification variables the local stack does not define yet get local values here;
 * `overrides` win. Call before the app module is built: the module validates the environment then.
 */
export function useNotificationEnv(overrides: Record<string, string | undefined> = {}): void {
  const defaults: Record<string, string> = {
    NOTIFICATION_SMTP_URL: `smtp://${stack.STACK_HOST}:${stack.SMTP_PORT}`,
    NOTIFICATION_MAIL_FROM: 'OTUS <no-reply@otus-contract.local>',
    CLIENT_BASE_URL: stack.GATEWAY_URL,
    CONTRACT_INTERNAL_URL: `http://${stack.STACK_HOST}:${stack.CONTRACT_PORT}`,
    COURSE_INTERNAL_URL: `http://${stack.STACK_HOST}:${stack.COURSE_PORT}`,
    // Digests are sent by the tests that mean to (StaffNotices.sendDueDigests), not by the clock.
    NOTIFICATION_DIGEST_CHECK_MS: '86400000',
    NOTIFICATION_SECRET_SEAL_KEYS: 'local1:bG9jYWwtb25seS1ub3RpZmljYXRpb24tc2VhbC0wMTI=',
    // Quick retries keep the suites short; production uses the defaults in src/config.ts.
    NOTIFICATION_TASK_RETRY_BASE_MS: '1000',
    NOTIFICATION_WEBHOOK_RETRY_BASE_MS: '20',
    NOTIFICATION_WEBHOOK_RETRY_MAX_MS: '100',
    NOTIFICATION_WEBHOOK_TIMEOUT_MS: '2000',
    WORKER_ENABLED: 'false',
  };
  for (const [key, value] of Object.entries(defaults)) process.env[key] ??= value;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** What the user service puts in `clientLinkRef`: the link token sealed for the notification service. */
export function sealLinkToken(token: string): string {
  return new SealedBox(process.env.CLIENT_LINK_SEAL_KEYS ?? stack.CLIENT_LINK_SEAL_KEYS).seal(
    token,
    CLIENT_LINK_SEAL_CONTEXT,
  );
}

export { stack };
