import { InitialSchema1795449538878 } from './1795449538878-initial-schema';
import { WebhookSubscriptions1796395087545 } from './1796395087545-webhook-subscriptions';
import { StaffNotices1796404308082 } from './1796404308082-staff-notices';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [InitialSchema1795449538878, WebhookSubscriptions1796395087545, StaffNotices1796404308082];
