import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type RetryPolicy, type TaskContext, TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import type { NotificationEnv } from '../config';
import { staffNoticeInput, type StaffNoticeInput } from '../staff/staff-notice-input';
import { type StaffNoticeOutcome, StaffNotices } from '../staff/staff-notices.service';
import { notificationRetryPolicy } from './send-email.handler';

/**
 * Tells the course's staff about the event named by the local input `staffEvent`, once per task:
 * an e-mail now, or a line in the day's digest; nobody configured completes it all the same.
 */
@Injectable()
@TaskHandler(TOPICS.notificationStaffNotice)
export class StaffNoticeHandler implements TopicHandler<StaffNoticeInput, { staffNotice: StaffNoticeOutcome }> {
  readonly input = staffNoticeInput;
  readonly retryPolicy: Partial<RetryPolicy>;

  constructor(
    private readonly notices: StaffNotices,
    config: ConfigService<NotificationEnv, true>,
  ) {
    this.retryPolicy = notificationRetryPolicy(config);
  }

  async handle(input: StaffNoticeInput, task: TaskContext): Promise<{ staffNotice: StaffNoticeOutcome }> {
    return { staffNotice: await this.notices.noticeForTask(input, task) };
  }
}
