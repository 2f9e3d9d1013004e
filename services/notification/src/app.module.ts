import { Module } from '@nestjs/common';
import { NOTIFICATION_FEATURES } from './features';
import { notificationPlatform } from './platform';
import { NotificationWorkerModule } from './worker/notification-worker.module';

@Module({
  imports: [...notificationPlatform(), ...NOTIFICATION_FEATURES, NotificationWorkerModule],
})
export class AppModule {}
