import { baseEnv } from '@otus/common';
import { z } from 'zod';

export const notificationEnv = baseEnv.extend({
  NOTIFICATION_PORT: z.coerce.number().int().positive().default(3005),
  NOTIFICATION_DB_URL: z.url(),
});
export type NotificationEnv = z.infer<typeof notificationEnv>;
