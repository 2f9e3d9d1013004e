import { POSTGRES_DEFAULTS } from '@otus/common/postgres';
import { DataSource } from 'typeorm';
import { Delivery } from './deliveries/delivery.entity';
import { Message } from './deliveries/message.entity';
import { migrations } from './migrations';
import { StaffDigestEntry } from './staff/staff-digest-entry.entity';
import { WebhookEndpoint } from './webhooks/webhook-endpoint.entity';

export const entities = [Message, Delivery, WebhookEndpoint, StaffDigestEntry];

/**
 * For the TypeORM CLI and the migration test; the app wires the same entities through its modules.
 *   NOTIFICATION_DB_URL=… npx typeorm migration:generate -d services/notification/dist/data-source.js services/notification/src/migrations/<name>
 */
export default new DataSource({ ...POSTGRES_DEFAULTS, url: process.env.NOTIFICATION_DB_URL, entities, migrations });
