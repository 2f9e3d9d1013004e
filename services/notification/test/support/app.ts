import { type INestApplication, Module, type Provider } from '@nestjs/common';
import { createTestApp } from '@otus/testing';
import { NOTIFICATION_FEATURES } from '../../src/features';
import { notificationPlatform } from '../../src/platform';
import { NotificationWorkerModule } from '../../src/worker/notification-worker.module';

/**
 * The service as AppModule builds it, declared now rather than at import, so a test can point
 * it at servers it started first (one app per test file: metrics register once per process).
 */
export async function createNotificationApp(
  options: { providers?: Provider[]; handlers?: boolean } = {},
): Promise<INestApplication> {
  @Module({
    imports: [
      ...notificationPlatform(),
      ...NOTIFICATION_FEATURES,
      ...(options.handlers === false ? [] : [NotificationWorkerModule]),
    ],
    providers: options.providers ?? [],
  })
  class NotificationTestModule {}
  return createTestApp(NotificationTestModule);
}
