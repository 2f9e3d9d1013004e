import { DeliveriesApiModule } from './deliveries/deliveries-api.module';
import { EmailModule } from './email/email.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The service's REST features; the app adds the platform and the worker (tests compose their own). */
export const NOTIFICATION_FEATURES = [EmailModule, WebhooksModule, DeliveriesApiModule];
