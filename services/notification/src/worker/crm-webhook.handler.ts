import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type RetryPolicy, type TaskContext, TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import type { NotificationEnv } from '../config';
import { webhookTaskInput, type WebhookTaskInput } from '../webhooks/webhook-events';
import { WebhookService } from '../webhooks/webhook.service';
import { notificationRetryPolicy } from './send-email.handler';

/**
 * Tells the CRM about the event named by the local input `webhookEvent`, once per task.
 * With no endpoint configured anywhere the task completes with `webhookDelivered=false`.
 */
@Injectable()
@TaskHandler(TOPICS.notificationCrmWebhook)
export class CrmWebhookHandler implements TopicHandler<WebhookTaskInput, { webhookDelivered: boolean }> {
  readonly input = webhookTaskInput;
  readonly retryPolicy: Partial<RetryPolicy>;

  constructor(
    private readonly webhooks: WebhookService,
    config: ConfigService<NotificationEnv, true>,
  ) {
    this.retryPolicy = notificationRetryPolicy(config);
  }

  handle(input: WebhookTaskInput, task: TaskContext): Promise<{ webhookDelivered: boolean }> {
    return this.webhooks.deliverForTask(input, task);
  }
}
