import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { type Page, RetryLaterError, toPage } from '@otus/common';
import { DataSource, In, Repository } from 'typeorm';
import type { NotificationEnv } from '../config';
import { Delivery, DeliveryStatus, DeliveryTrigger } from './delivery.entity';
import { deliveryMetrics } from './delivery.metrics';
import type { DeliveryResponse, ListDeliveriesQuery } from './dto/delivery.dto';
import { keyHash } from './idempotency';
import { Channel, Message, MessageStatus } from './message.entity';
import { notificationErrors } from '../notification-errors';

export interface NewMessage {
  idempotencyKey: string;
  channel: Channel;
  template: string;
  /** Null for a message about no one application (a staff digest). */
  applicationId: string | null;
  processInstanceId?: string | null;
  /** JSON: what a resend needs to build the message again. */
  content: object;
  resendable?: boolean;
}

export interface AttemptResult {
  recipient: string;
  status: DeliveryStatus;
  responseCode: number | null;
  latencyMs: number;
  error?: string | null;
}

/**
 * Another attempt holds the message (the same task delivered twice at once, or an attempt that
 * died before releasing its claim): the task comes back when that claim runs out.
 */
export class DeliveryInProgressError extends RetryLaterError {
  constructor(messageId: string, claimedUntil: Date | null) {
    const retryAfterMs = Math.max((claimedUntil?.getTime() ?? Date.now()) - Date.now(), 0) + CLAIM_MARGIN_MS;
    super(
      `message ${messageId} is being delivered by another attempt; the task is retried in ${Math.ceil(retryAfterMs / 1000)} s, when its claim runs out`,
      retryAfterMs,
    );
    this.name = 'DeliveryInProgressError';
  }
}

/** After a claim runs out, by the database's clock: a little later than ours says. */
const CLAIM_MARGIN_MS = 1_000;

/**
 * The delivery log and the once-only guard. A message is created once per idempotency key
 * (unique index); an attempt first claims it for a while, so two workers holding the same
 * task never send in parallel, and a message already sent is never sent again by a task.
 */
@Injectable()
export class DeliveryLogService {
  private readonly logger = new Logger(DeliveryLogService.name);
  private readonly claimTtlMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(Message) private readonly messages: Repository<Message>,
    @InjectRepository(Delivery) private readonly deliveries: Repository<Delivery>,
    config: ConfigService<NotificationEnv, true>,
  ) {
    this.claimTtlMs = config.get('NOTIFICATION_CLAIM_TTL_MS', { infer: true });
  }

  findByKey(idempotencyKey: string): Promise<Message | null> {
    return this.messages.findOneBy({ idempotencyKey });
  }

  findMessage(id: string): Promise<Message> {
    return this.messages.findOneByOrFail({ id });
  }

  /**
   * Runs `send` unless the message was sent already. `send` records its own attempts and
   * throws when the message did not go out; the claim is released either way.
   */
  async deliverOnce(spec: NewMessage, send: (message: Message) => Promise<void>): Promise<DeliveryOutcome> {
    const message = await this.open(spec);
    if (!(await this.claim(message))) {
      const current = await this.reload(message);
      if (current.status === MessageStatus.Sent) return { message: current, alreadySent: true };
      throw new DeliveryInProgressError(message.id, current.claimedUntil);
    }
    try {
      await send(message);
    } finally {
      await this.release(message.id);
    }
    return { message: await this.reload(message), alreadySent: false };
  }

  /**
   * Erasure of an application's personal data: its messages keep their key, kind, status and
   * times, not what they carried (address, name, variables, body); its attempts keep their
   * outcome, not the recipient or the error (an SMTP reply may quote the address). Nothing of it
   * can be resent after. Idempotent.
   */
  async erase(applicationId: string): Promise<number> {
    return this.db.transaction(async (em) => {
      const messages = await em.find(Message, { where: { applicationId }, select: { id: true } });
      if (messages.length === 0) return 0;
      const ids = messages.map((m) => m.id);
      await em.update(Message, { id: In(ids) }, { content: { erased: true }, resendable: false });
      await em.update(Delivery, { messageId: In(ids) }, { recipient: 'erased', error: null });
      return ids.length;
    });
  }

  /** The message for this key, created on first sight; a repeat finds what was stored first. */
  async open(spec: NewMessage): Promise<Message> {
    await this.messages
      .createQueryBuilder()
      .insert()
      .into(Message)
      .values({
        ...spec,
        keyHash: keyHash(spec.idempotencyKey),
        resendable: spec.resendable ?? true,
        // jsonb: TypeORM's deep-partial typing cannot describe arbitrary JSON.
        content: spec.content as never,
      })
      .orIgnore()
      .execute();
    return this.messages.findOneByOrFail({ idempotencyKey: spec.idempotencyKey });
  }

  /** Logs one attempt and moves the message to sent (for good) or failed (unless it was sent before). */
  async record(message: Message, result: AttemptResult, trigger: DeliveryTrigger): Promise<Delivery> {
    deliveryMetrics.attempts.inc({ channel: message.channel, template: message.template, status: result.status });
    deliveryMetrics.duration.observe({ channel: message.channel }, result.latencyMs / 1000);
    const sent = result.status === DeliveryStatus.Sent;
    return this.db.transaction(async (em) => {
      const updated = await em
        .createQueryBuilder()
        .update(Message)
        .set({
          attempts: () => 'attempts + 1',
          status: sent ? MessageStatus.Sent : () => `CASE WHEN status = 'sent' THEN status ELSE 'failed' END`,
          ...(sent ? { sentAt: () => 'COALESCE(sent_at, now())' } : {}),
        })
        .where('id = :id', { id: message.id })
        .returning(['attempts'])
        .execute();
      const attempt = (updated.raw as { attempts: number }[])[0].attempts;
      return em.save(
        em.create(Delivery, {
          messageId: message.id,
          attempt,
          recipient: result.recipient,
          status: result.status,
          responseCode: result.responseCode,
          latencyMs: Math.round(result.latencyMs),
          error: result.error ? result.error.slice(0, 2000) : null,
          trigger,
        }),
      );
    });
  }

  async list(query: ListDeliveriesQuery): Promise<Page<DeliveryResponse>> {
    const qb = this.deliveries
      .createQueryBuilder('d')
      .innerJoinAndSelect('d.message', 'm')
      .orderBy('d.createdAt', 'DESC')
      .addOrderBy('d.attempt', 'DESC');
    if (query.channel) qb.andWhere('m.channel = :channel', { channel: query.channel });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    if (query.applicationId) qb.andWhere('m.applicationId = :applicationId', { applicationId: query.applicationId });
    if (query.template) qb.andWhere('m.template = :template', { template: query.template });
    if (query.from) qb.andWhere('d.createdAt >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('d.createdAt < :to', { to: new Date(query.to) });
    const [items, total] = await qb.skip(query.skip).take(query.pageSize).getManyAndCount();
    return toPage(items.map(toResponse), total, query);
  }

  async get(id: string): Promise<DeliveryResponse> {
    return toResponse(await this.find(id));
  }

  async find(id: string): Promise<Delivery & { message: Message }> {
    const delivery = await this.deliveries.findOne({ where: { id }, relations: { message: true } });
    if (!delivery) throw notificationErrors.DELIVERY_NOT_FOUND(`No delivery ${id}`);
    return delivery as Delivery & { message: Message };
  }

  respond(delivery: Delivery, message: Message): DeliveryResponse {
    return toResponse({ ...delivery, message });
  }

  /** True when this attempt holds the message now; false when it was sent, or another attempt holds it. */
  private async claim(message: Message): Promise<boolean> {
    const claimed = await this.messages
      .createQueryBuilder()
      .update(Message)
      .set({ claimedUntil: () => `now() + make_interval(secs => ${this.claimTtlMs / 1000})` })
      .where('id = :id', { id: message.id })
      .andWhere(`status <> 'sent'`)
      .andWhere('(claimed_until IS NULL OR claimed_until < now())')
      .execute();
    return claimed.affected === 1;
  }

  private async release(id: string): Promise<void> {
    // If this fails the claim simply runs out; the next attempt waits for it.
    await this.messages.update(id, { claimedUntil: null }).catch((e: unknown) => {
      this.logger.warn({ messageId: id, err: e instanceof Error ? e.message : String(e) }, 'could not release claim');
    });
  }

  private reload(message: Message): Promise<Message> {
    return this.messages.findOneByOrFail({ id: message.id });
  }
}

export interface DeliveryOutcome {
  message: Message;
  alreadySent: boolean;
}

function toResponse(d: Delivery & { message?: Message }): DeliveryResponse {
  const m = d.message!;
  return {
    id: d.id,
    messageId: m.id,
    channel: m.channel,
    template: m.template,
    recipient: d.recipient,
    status: d.status,
    responseCode: d.responseCode,
    latencyMs: d.latencyMs,
    error: d.error,
    attempt: d.attempt,
    trigger: d.trigger,
    idempotencyKey: m.idempotencyKey,
    applicationId: m.applicationId,
    messageStatus: m.status,
    resendable: m.resendable,
    createdAt: d.createdAt.toISOString(),
  };
}
