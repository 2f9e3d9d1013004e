import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { NotificationEnv } from '../config';
import { StaffNotices } from './staff-notices.service';

/** Looks for staff digests due every NOTIFICATION_DIGEST_CHECK_MS (one check at a time). */
@Injectable()
export class StaffDigestsJob implements OnApplicationBootstrap {
  private running = false;

  constructor(
    private readonly notices: StaffNotices,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: ConfigService<NotificationEnv, true>,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('NOTIFICATION_DIGEST_CHECK_MS', { infer: true });
    this.scheduler.addInterval(
      'staff-digests',
      setInterval(() => void this.check(), every),
    );
  }

  private async check(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.notices.sendDueDigests();
    } catch {
      // Logged by the service; the next check tries again.
    } finally {
      this.running = false;
    }
  }
}
