import type { ConfigService } from '@nestjs/config';
import { type WebhookAddressPolicy, webhookAddressPolicyOf } from '@otus/common';
import type { NotificationEnv } from '../config';

/** The components this service knows by URL: never a webhook target (docs/notifications.md). */
const OWN_URLS = ['CAMUNDA_REST_URL', 'CONTRACT_INTERNAL_URL', 'AUTH_JWKS_URL', 'NOTIFICATION_DB_URL'];

export function webhookAddressPolicy(config: ConfigService<NotificationEnv, true>): Promise<WebhookAddressPolicy> {
  return webhookAddressPolicyOf(config, OWN_URLS);
}
