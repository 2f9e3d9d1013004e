import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { countFunnelStep, type TaskContext } from '@otus/common';
import type { NotificationEnv } from '../config';
import { DeliveryInProgressError, DeliveryLogService } from '../deliveries/delivery-log.service';
import { type Delivery, DeliveryStatus, DeliveryTrigger } from '../deliveries/delivery.entity';
import { emailMessageId, MESSAGE_ID_DOMAIN, taskKey } from '../deliveries/idempotency';
import { Channel, type Message } from '../deliveries/message.entity';
import { ClientLinks } from './client-links';
import type { InternalEmailResponse, SendInternalEmailDto } from './dto/internal-email.dto';
import { EmailTemplates } from './email-templates';
import type { EmailSecrets, EmailTaskInput, EmailTemplate, EmailVariables } from './email-variables';
import { emailView } from './email-view';
import { MailerService, type OutgoingMail } from './mailer.service';
import { ContractClient, type LinkProcessEvent } from './contract.client';
import { notificationErrors } from '../notification-errors';

/** What a stored e-mail message holds: enough to build it again, nothing secret. */
interface EmailContent {
  to: string;
  variables: EmailVariables;
}

/** E-mails that carry the client's link: each joins the application's audit chain (a new link as `link.reissued`). */
function linkEvent(input: EmailTaskInput): LinkProcessEvent | undefined {
  if (input.emailTemplate === 'link') return input.linkReissued ? 'link.reissued' : 'link.sent';
  if (input.emailTemplate === 'link-reminder') return 'link.reminded';
  return undefined;
}

/** The mail server refused the message for good (SMTP 5xx): sending it again will not help. */
export class MailRefusedError extends Error {}

/** The client-facing name of the signed contract attachment. */
export const SIGNED_CONTRACT_FILENAME = 'Договор.pdf';

@Injectable()
export class EmailService {
  private readonly timeZone: string;

  constructor(
    private readonly log: DeliveryLogService,
    private readonly templates: EmailTemplates,
    private readonly mailer: MailerService,
    private readonly contract: ContractClient,
    private readonly links: ClientLinks,
    config: ConfigService<NotificationEnv, true>,
  ) {
    this.timeZone = config.get('NOTIFICATION_TIME_ZONE', { infer: true });
  }

  /**
   * `notification.email`: sends once per task. A failed send is logged and thrown as a
   * technical error, so the engine retries the task with back-off; a task whose e-mail
   * went out before completes without sending.
   */
  async sendForTask(input: EmailTaskInput, task: TaskContext): Promise<{ alreadySent: boolean }> {
    const { emailTemplate, clientEmail, ...variables } = input;
    const { alreadySent } = await this.log.deliverOnce(
      {
        idempotencyKey: taskKey(task),
        channel: Channel.Email,
        template: emailTemplate,
        applicationId: input.applicationId,
        processInstanceId: task.processInstanceId,
        content: { to: clientEmail, variables } satisfies EmailContent,
      },
      async (message) => {
        const delivery = await this.attempt(message, DeliveryTrigger.Task);
        // The reason stays in the delivery log: SMTP replies may quote the address, and this message reaches logs and Cockpit.
        if (delivery.status === DeliveryStatus.Failed) {
          throw new Error(
            `e-mail ${message.template} not sent (delivery ${delivery.id}, SMTP ${delivery.responseCode ?? 'no reply'}); retried later`,
          );
        }
      },
    );
    // A reissued link is the same application reaching the same step again: the funnel counts it once.
    if (!alreadySent && emailTemplate === 'link' && !input.linkReissued) countFunnelStep('link_sent');
    // Also after a re-delivered task whose e-mail went out: the chain may not have it yet.
    const action = linkEvent(input);
    if (action) {
      await this.contract.recordProcessEvent(input.applicationId, {
        action,
        eventKey: taskKey(task),
        sentTo: clientEmail,
      });
    }
    return { alreadySent };
  }

  /**
   * POST /internal/emails: the signing code, keyed by the caller's message id. The code is
   * used for this send only: it is neither stored nor logged, so such a message is not resendable.
   */
  async sendSigningCode(dto: SendInternalEmailDto): Promise<InternalEmailResponse> {
    const idempotencyKey = `internal:${dto.applicationId}:${dto.messageId}`;
    const existing = await this.log.findByKey(idempotencyKey);
    if (
      existing &&
      ((existing.content as unknown as EmailContent).to !== dto.to || existing.template !== dto.template)
    ) {
      throw notificationErrors.MESSAGE_ID_REUSED(`Message id ${dto.messageId} was used for another e-mail`);
    }
    const { signingCode, ...variables } = dto.variables;
    try {
      const { message, alreadySent } = await this.log.deliverOnce(
        {
          idempotencyKey,
          channel: Channel.Email,
          template: dto.template,
          applicationId: dto.applicationId,
          content: { to: dto.to, variables: variables as EmailVariables } satisfies EmailContent,
          resendable: false,
        },
        async (message) => {
          const delivery = await this.attempt(message, DeliveryTrigger.Internal, { signingCode });
          if (delivery.status === DeliveryStatus.Failed) {
            throw notificationErrors.EMAIL_NOT_SENT('The e-mail could not be sent now; retry with the same messageId', {
              details: { deliveryId: delivery.id },
            });
          }
        },
      );
      return { id: message.id, status: 'sent', alreadySent };
    } catch (e) {
      if (e instanceof DeliveryInProgressError) {
        throw notificationErrors.DELIVERY_IN_PROGRESS('This message is being sent right now; retry shortly');
      }
      throw e;
    }
  }

  /**
   * An e-mail to the school's staff (a notice, a digest), once per key. A failed send is thrown, so
   * the caller's task (or the next digest run) tries again; a refusal for good (a staff address the
   * server rejects) is a MailRefusedError, which the caller need not retry.
   */
  async sendToStaff(spec: {
    idempotencyKey: string;
    template: 'staff-notice' | 'staff-digest';
    applicationId: string | null;
    processInstanceId?: string;
    to: string[];
    variables: Omit<EmailVariables, 'clientName'>;
  }): Promise<{ message: Message; alreadySent: boolean }> {
    return this.log.deliverOnce(
      {
        idempotencyKey: spec.idempotencyKey,
        channel: Channel.Email,
        template: spec.template,
        applicationId: spec.applicationId,
        processInstanceId: spec.processInstanceId ?? null,
        // The layout greets by name: staff are greeted together.
        content: {
          to: spec.to.join(', '),
          variables: { ...spec.variables, clientName: 'коллеги' },
        } satisfies EmailContent,
      },
      async (message) => {
        const delivery = await this.attempt(message, DeliveryTrigger.Task);
        if (delivery.status === DeliveryStatus.Failed) {
          const refused = (delivery.responseCode ?? 0) >= 500;
          throw new (refused ? MailRefusedError : Error)(
            `staff e-mail ${message.template} not sent (delivery ${delivery.id}, SMTP ${delivery.responseCode ?? 'no reply'})${refused ? ": refused by the mail server, not retried; check the course's staff addresses" : '; retried later'}`,
          );
        }
      },
    );
  }

  /** An administrator's resend: a new send of the same e-mail, with a Message-ID of its own so it is not dropped as a duplicate. */
  async resend(message: Message): Promise<Delivery> {
    if (!message.resendable) {
      throw notificationErrors.NOT_RESENDABLE(
        'A signing code is never stored, so this e-mail cannot be resent; the client asks for a new code',
      );
    }
    const messageId = `<${message.keyHash}.${randomBytes(6).toString('hex')}@${MESSAGE_ID_DOMAIN}>`;
    return this.attempt(message, DeliveryTrigger.Resend, {}, messageId);
  }

  /** Builds and sends the e-mail once, and logs the attempt whatever happens. */
  private async attempt(
    message: Message,
    trigger: DeliveryTrigger,
    secrets: Pick<EmailSecrets, 'signingCode'> = {},
    messageId = emailMessageId(message.keyHash),
  ): Promise<Delivery> {
    const { to, variables } = message.content as unknown as EmailContent;
    const started = performance.now();
    const failed = (error: string, responseCode: number | null = null) =>
      this.log.record(
        message,
        { recipient: to, status: DeliveryStatus.Failed, responseCode, latencyMs: performance.now() - started, error },
        trigger,
      );
    let mail: OutgoingMail;
    try {
      mail = await this.compose(message.template as EmailTemplate, to, variables, secrets, messageId);
    } catch (e) {
      return failed(`not built: ${errorText(e)}`);
    }
    try {
      const reply = await this.mailer.send(mail);
      return this.log.record(
        message,
        {
          recipient: to,
          status: DeliveryStatus.Sent,
          responseCode: reply.code,
          latencyMs: performance.now() - started,
        },
        trigger,
      );
    } catch (e) {
      const smtp = e as { code?: string; responseCode?: number };
      return failed(`${smtp.code ?? 'SMTP'}: ${errorText(e)}`, smtp.responseCode ?? null);
    }
  }

  private async compose(
    template: EmailTemplate,
    to: string,
    variables: EmailVariables,
    secrets: Pick<EmailSecrets, 'signingCode'>,
    messageId: string,
  ): Promise<OutgoingMail> {
    const link = variables.clientLinkRef ? this.links.url(variables.clientLinkRef) : undefined;
    const rendered = this.templates.render(template, emailView(variables, { ...secrets, link }, this.timeZone));
    const attachments =
      template === 'signed'
        ? [
            {
              filename: SIGNED_CONTRACT_FILENAME,
              content: await this.contract.pdf(variables.signedDocumentId!),
              contentType: 'application/pdf',
            },
          ]
        : [];
    return { to, messageId, ...rendered, attachments };
  }
}

function errorText(e: unknown): string {
  const message = (e as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(e);
}
