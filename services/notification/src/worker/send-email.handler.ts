import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type RetryPolicy, type TaskContext, TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import type { ZodType } from 'zod';
import type { NotificationEnv } from '../config';
import { ClientLinks } from '../email/client-links';
import { emailTaskInput, type EmailTaskInput } from '../email/email-variables';
import { EmailService } from '../email/email.service';

/** Notification retries outlast an SMTP or CRM outage: ten tries from 5 s, doubling up to 5 min (about 25 min). */
export function notificationRetryPolicy(config: ConfigService<NotificationEnv, true>): Partial<RetryPolicy> {
  return {
    maxRetries: config.get('NOTIFICATION_TASK_RETRIES', { infer: true }),
    retryBaseMs: config.get('NOTIFICATION_TASK_RETRY_BASE_MS', { infer: true }),
    retryMaxMs: config.get('NOTIFICATION_TASK_RETRY_MAX_MS', { infer: true }),
  };
}

/**
 * Sends the e-mail named by the local input `emailTemplate`, once per task. An SMTP failure
 * is a technical failure: the engine retries with back-off, and the mail goes out once SMTP is back.
 */
@Injectable()
@TaskHandler(TOPICS.notificationEmail)
export class SendEmailHandler implements TopicHandler<EmailTaskInput, Record<string, never>> {
  readonly input: ZodType<EmailTaskInput>;
  readonly retryPolicy: Partial<RetryPolicy>;

  constructor(
    private readonly emails: EmailService,
    links: ClientLinks,
    config: ConfigService<NotificationEnv, true>,
  ) {
    this.input = emailTaskInput((ref) => links.canOpen(ref));
    this.retryPolicy = notificationRetryPolicy(config);
  }

  async handle(input: EmailTaskInput, task: TaskContext): Promise<Record<string, never>> {
    await this.emails.sendForTask(input, task);
    return {};
  }
}
