import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  checkWebhookUrl,
  retrying,
  IncidentError,
  SealedBox,
  type TaskContext,
  WebhookAddressRefusedError,
  type WebhookAddressPolicy,
} from '@otus/common';
import type { NotificationEnv } from '../config';
import { type AttemptResult, DeliveryLogService } from '../deliveries/delivery-log.service';
import { type Delivery, DeliveryStatus, DeliveryTrigger } from '../deliveries/delivery.entity';
import { keyHash, taskKey } from '../deliveries/idempotency';
import { Channel, type Message, MessageStatus } from '../deliveries/message.entity';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { type DeclineReason, type DocumentDownload, webhookPayload, type WebhookTaskInput } from './webhook-events';
import { ContractClient } from '../email/contract.client';
import { webhookAddressPolicy } from './address-policy';
import { postWebhook } from './webhook-http';
import { signWebhook } from './webhook-signature';
import { notificationErrors } from '../notification-errors';

interface Routing {
  crmWebhookUrl: string | null;
  crmClientId: string | null;
}

/**
 * What a stored webhook message holds: the exact body (every retry sends the same bytes) and how
 * to route it. A body carrying a bearer URL (contract.signed) is kept sealed, never in clear.
 */
interface WebhookContent {
  body?: string;
  sealedBody?: string;
  routing: Routing;
}

const bodyContext = (idempotencyKey: string) => `webhook-body:${idempotencyKey}`;

interface Target {
  url: string;
  secret: string;
  /** The CRM client's subscription; null or absent: every event. */
  events?: string[] | null;
}

/** One request's outcome; `retryable` for timeouts, network errors, 408, 429 and 5xx. */
class AttemptFailed extends Error {
  constructor(readonly retryable: boolean) {
    super('webhook attempt failed');
  }
}

/**
 * `notification.crm-webhook`: a signed POST to the CRM, retried in-process with exponential
 * back-off and full jitter; every request is a logged attempt. When the in-process retries
 * are spent the task fails and the engine retries it later (then an incident).
 */
@Injectable()
export class WebhookService {
  private readonly logger = new Logger(WebhookService.name);
  private readonly env: Pick<
    NotificationEnv,
    | 'NOTIFICATION_DEFAULT_WEBHOOK_URL'
    | 'NOTIFICATION_DEFAULT_WEBHOOK_SECRET'
    | 'NOTIFICATION_WEBHOOK_TIMEOUT_MS'
    | 'NOTIFICATION_WEBHOOK_ATTEMPTS'
    | 'NOTIFICATION_WEBHOOK_RETRY_BASE_MS'
    | 'NOTIFICATION_WEBHOOK_RETRY_MAX_MS'
    | 'CRM_WEBHOOK_ALLOWED_HOSTS'
  >;

  private readonly publicBaseUrl: string;
  private readonly box: SealedBox;

  constructor(
    private readonly log: DeliveryLogService,
    private readonly endpoints: WebhookEndpointsService,
    private readonly contract: ContractClient,
    private readonly config: ConfigService<NotificationEnv, true>,
  ) {
    this.publicBaseUrl = config.get('CLIENT_BASE_URL', { infer: true }).replace(/\/+$/, '');
    this.box = new SealedBox(config.get('NOTIFICATION_SECRET_SEAL_KEYS', { infer: true }));
    const get = <K extends keyof NotificationEnv>(key: K) => config.get(key, { infer: true });
    this.env = {
      NOTIFICATION_DEFAULT_WEBHOOK_URL: get('NOTIFICATION_DEFAULT_WEBHOOK_URL'),
      NOTIFICATION_DEFAULT_WEBHOOK_SECRET: get('NOTIFICATION_DEFAULT_WEBHOOK_SECRET'),
      NOTIFICATION_WEBHOOK_TIMEOUT_MS: get('NOTIFICATION_WEBHOOK_TIMEOUT_MS'),
      NOTIFICATION_WEBHOOK_ATTEMPTS: get('NOTIFICATION_WEBHOOK_ATTEMPTS'),
      NOTIFICATION_WEBHOOK_RETRY_BASE_MS: get('NOTIFICATION_WEBHOOK_RETRY_BASE_MS'),
      NOTIFICATION_WEBHOOK_RETRY_MAX_MS: get('NOTIFICATION_WEBHOOK_RETRY_MAX_MS'),
      CRM_WEBHOOK_ALLOWED_HOSTS: get('CRM_WEBHOOK_ALLOWED_HOSTS'),
    };
  }

  private addressPolicy(): Promise<WebhookAddressPolicy> {
    return webhookAddressPolicy(this.config);
  }

  async deliverForTask(input: WebhookTaskInput, task: TaskContext): Promise<{ webhookDelivered: boolean }> {
    const key = taskKey(task);
    const stored = await this.log.findByKey(key);
    if (stored?.status === MessageStatus.Sent) return { webhookDelivered: true };
    const applicationId = input.applicationId ?? task.businessKey ?? task.processInstanceId;
    const routing: Routing = { crmWebhookUrl: input.crmWebhookUrl ?? null, crmClientId: input.crmClientId ?? null };
    // One policy for the routing check and every attempt (it resolves our components' names).
    const policy = await this.addressPolicy();
    // Waiting will not make a refused host allowed: an incident at once, for an operator to decide.
    const target = await this.target(routing, policy, (message) => new IncidentError(message));
    if (!target) {
      this.logger.warn(
        { applicationId, event: input.webhookEvent },
        'no CRM webhook endpoint for this application, its CRM client or by default; the event is not sent',
      );
      return { webhookDelivered: false };
    }
    if (target.events && !target.events.includes(input.webhookEvent)) {
      this.logger.log(
        { applicationId, event: input.webhookEvent },
        'the CRM client did not subscribe to this event; it is not sent',
      );
      return { webhookDelivered: false };
    }
    // Built once: a redelivered task finds the stored body (and its occurredAt) and sends those bytes again.
    const signedDocument = stored ? undefined : await this.signedDocumentDownload(input);
    const declineReason = stored ? undefined : await this.declineReason(input);
    const body = JSON.stringify(
      webhookPayload(input, {
        eventId: keyHash(key),
        applicationId,
        occurredAt: new Date(),
        signedDocument,
        declineReason,
      }),
    );
    await this.log.deliverOnce(
      {
        idempotencyKey: key,
        channel: Channel.Webhook,
        template: input.webhookEvent,
        applicationId,
        processInstanceId: task.processInstanceId,
        // A download URL is a credential and a decline reason the client's own words: neither at rest in clear.
        content: (signedDocument || declineReason?.reasonText
          ? { sealedBody: this.box.seal(body, bodyContext(key)), routing }
          : { body, routing }) satisfies WebhookContent,
      },
      async (message) => {
        const { last, retryable, refused } = await this.send(message, target, policy, DeliveryTrigger.Task);
        if (last.status === DeliveryStatus.Sent) return;
        const host = hostOf(target.url);
        // Waiting will not make an internal address public: an incident at once, nothing was sent.
        if (refused) {
          throw new IncidentError(
            `CRM webhook ${message.template} not sent: ${refused}. Webhooks go to public addresses only ` +
              `(WEBHOOK_ALLOWED_ADDRESSES lists the exceptions); correct the endpoint or crmWebhookUrl (delivery ${last.id})`,
          );
        }
        throw new Error(
          retryable
            ? `CRM webhook ${message.template} to ${host} not delivered after ${this.env.NOTIFICATION_WEBHOOK_ATTEMPTS} attempts (last: ${outcome(last)}); retried later`
            : `CRM webhook ${message.template} refused by ${host} with HTTP ${last.responseCode}: not retried in-process; check the endpoint URL and secret (delivery ${last.id})`,
        );
      },
    );
    return { webhookDelivered: true };
  }

  private bodyOf(message: Message): string {
    const { body, sealedBody } = message.content as unknown as WebhookContent;
    return sealedBody ? this.box.open(sealedBody, bodyContext(message.idempotencyKey)).toString() : body!;
  }

  /** For `contract.signed`: a short-lived public URL to the PDF (a failure fails the task, retried like a send). */
  private async signedDocumentDownload(input: WebhookTaskInput): Promise<DocumentDownload | undefined> {
    if (input.webhookEvent !== 'contract.signed') return undefined;
    const { token, expiresAt } = await this.contract.downloadLink(input.signedDocumentId, input.applicationId);
    return { url: `${this.publicBaseUrl}/api/contract/public/documents/${token}`, expiresAt };
  }

  /** For `contract.declined`: the client's reason, which the contract service keeps (a failure fails the task, retried). */
  private async declineReason(input: WebhookTaskInput): Promise<DeclineReason | undefined> {
    if (input.webhookEvent !== 'contract.declined') return undefined;
    return this.contract.declineReason(input.applicationId);
  }

  /** An administrator's resend: the same body and event id, signed now, sent once to where the application's webhooks go today. */
  async resend(message: Message): Promise<Delivery> {
    const { routing } = message.content as unknown as WebhookContent;
    const policy = await this.addressPolicy();
    const target = await this.target(routing, policy, (reason) => notificationErrors.WEBHOOK_URL_NOT_ALLOWED(reason));
    if (!target) {
      throw notificationErrors.WEBHOOK_ENDPOINT_MISSING('No webhook endpoint is configured for this application');
    }
    return (await this.send(message, target, policy, DeliveryTrigger.Resend, 1)).last;
  }

  /**
   * The application's own URL, else its CRM client's endpoint, else the default; the secret from
   * the client's endpoint or the default. The application's URL came from a CRM (or from Cockpit):
   * its host is checked against CRM_WEBHOOK_ALLOWED_HOSTS here too, not only at intake.
   */
  private async target(
    { crmWebhookUrl, crmClientId }: Routing,
    policy: WebhookAddressPolicy,
    refuse: (message: string) => Error,
  ): Promise<Target | null> {
    const endpoint = crmClientId ? await this.endpoints.forClient(crmClientId) : null;
    const defaultSecret = this.env.NOTIFICATION_DEFAULT_WEBHOOK_SECRET;
    if (crmWebhookUrl) {
      const verdict = checkWebhookUrl(crmWebhookUrl, this.env.CRM_WEBHOOK_ALLOWED_HOSTS, policy);
      if (!verdict.allowed) throw refuse(notAllowedMessage(verdict.reason));
      const secret = endpoint?.secret ?? defaultSecret;
      if (!secret) {
        throw new Error(
          'crmWebhookUrl is set, but there is no secret to sign with: add a webhook endpoint for the CRM client or set NOTIFICATION_DEFAULT_WEBHOOK_SECRET',
        );
      }
      return { url: crmWebhookUrl, secret, events: endpoint?.events };
    }
    if (endpoint) return endpoint;
    const defaultUrl = this.env.NOTIFICATION_DEFAULT_WEBHOOK_URL;
    return defaultUrl && defaultSecret ? { url: defaultUrl, secret: defaultSecret } : null;
  }

  private async send(
    message: Message,
    target: Target,
    policy: WebhookAddressPolicy,
    trigger: DeliveryTrigger,
    attempts = this.env.NOTIFICATION_WEBHOOK_ATTEMPTS,
  ): Promise<{ last: Delivery; retryable: boolean; refused?: string }> {
    let last: Delivery | undefined;
    let retryable = false;
    let refused: string | undefined;
    try {
      await retrying(
        async () => {
          const result = await this.post(message, target, policy);
          last = await this.log.record(message, result.attempt, trigger);
          retryable = result.retryable;
          refused = result.refused;
          if (result.attempt.status === DeliveryStatus.Failed) throw new AttemptFailed(result.retryable);
        },
        {
          attempts,
          backoff: {
            baseMs: this.env.NOTIFICATION_WEBHOOK_RETRY_BASE_MS,
            maxMs: this.env.NOTIFICATION_WEBHOOK_RETRY_MAX_MS,
            jitter: 'full',
          },
          retryIf: (e: unknown) => e instanceof AttemptFailed && e.retryable,
        },
      );
    } catch (e) {
      if (!(e instanceof AttemptFailed)) throw e;
    }
    return { last: last!, retryable, refused };
  }

  /** One signed POST; a fresh timestamp and signature each time, the same body and event id. */
  private async post(
    message: Message,
    target: Target,
    policy: WebhookAddressPolicy,
  ): Promise<{ attempt: AttemptResult; retryable: boolean; refused?: string }> {
    const body = this.bodyOf(message);
    const timestamp = Math.floor(Date.now() / 1000);
    const recipient = withoutSecrets(target.url);
    const started = performance.now();
    const latencyMs = () => performance.now() - started;
    try {
      const response = await postWebhook(
        target.url,
        {
          headers: {
            'content-type': 'application/json',
            'user-agent': 'otus-contract-webhooks/1',
            'x-otus-event-id': message.keyHash,
            'x-otus-event-type': message.template,
            'x-otus-timestamp': String(timestamp),
            'x-otus-signature': signWebhook(target.secret, timestamp, body),
          },
          body,
          timeoutMs: this.env.NOTIFICATION_WEBHOOK_TIMEOUT_MS,
        },
        { policy },
      );
      const answer = response.body.slice(0, 500);
      const status = response.status;
      if (status >= 200 && status < 300) {
        return {
          attempt: { recipient, status: DeliveryStatus.Sent, responseCode: status, latencyMs: latencyMs() },
          retryable: false,
        };
      }
      return {
        attempt: {
          recipient,
          status: DeliveryStatus.Failed,
          responseCode: status,
          latencyMs: latencyMs(),
          error: `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}${answer ? `: ${answer}` : ''}`,
        },
        retryable: status === 408 || status === 429 || status >= 500,
      };
    } catch (e) {
      const failed = (error: string) => ({
        recipient,
        status: DeliveryStatus.Failed,
        responseCode: null,
        latencyMs: latencyMs(),
        error,
      });
      if (e instanceof WebhookAddressRefusedError) {
        // Logged as an attempt that sent nothing: the delivery log shows why.
        return { attempt: failed(e.message), retryable: false, refused: e.message };
      }
      return { attempt: failed(networkError(e, this.env.NOTIFICATION_WEBHOOK_TIMEOUT_MS)), retryable: true };
    }
  }
}

/** The URL as logged: no credentials, query or fragment (a CRM may put a token there). */
function withoutSecrets(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  return u.toString();
}

/** Names the variable and the host (never the path or query, which may hold a CRM's token) and says what to do. */
function notAllowedMessage(reason: string): string {
  return (
    `crmWebhookUrl ${reason}: nothing was sent. If the host is the CRM's, add it to CRM_WEBHOOK_ALLOWED_HOSTS ` +
    `of the notification and contract services and retry; otherwise correct or delete the process variable crmWebhookUrl first.`
  );
}

function hostOf(url: string): string {
  return new URL(url).host;
}

function outcome(d: Delivery): string {
  return d.responseCode ? `HTTP ${d.responseCode}` : (d.error ?? 'no answer');
}

/** Duck-typed: the timeout is a DOMException, which need not be an instance of this realm's Error. */
function networkError(e: unknown, timeoutMs: number): string {
  const error = e as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  } | null;
  if (error?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (error?.code && error.code !== 'ABORT_ERR') return `${error.code}: ${error.message}`;
  const cause = error?.cause;
  if (cause?.code) return `${cause.code}: ${cause.message ?? error?.message}`;
  return error?.message ?? String(e);
}
