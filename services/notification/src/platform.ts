import { platformModules } from '@otus/common';
import { postgresDatabase } from '@otus/common/postgres';
import { notificationEnv } from './config';
import { migrations } from './migrations';

/**
 * Config, logs, metrics, database, health, auth and the worker. A function: the environment
 * is validated when it is called, so a test can set variables first and build its own module.
 */
export function notificationPlatform() {
  return platformModules({
    service: 'notification',
    env: notificationEnv,
    database: postgresDatabase({ urlVariable: 'NOTIFICATION_DB_URL', migrations }),
  });
}
