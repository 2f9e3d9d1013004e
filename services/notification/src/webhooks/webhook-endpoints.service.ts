import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { checkEndpointUrl, invalidFields, newSecret, type Page, SealedBox, toPage } from '@otus/common';
import { isUniqueViolation } from '@otus/common/postgres';
import { Repository } from 'typeorm';
import type { NotificationEnv } from '../config';
import type {
  CreateWebhookEndpointDto,
  ListWebhookEndpointsQuery,
  UpdateWebhookEndpointDto,
  WebhookEndpointResponse,
  WebhookEndpointWithSecret,
} from './dto/webhook-endpoint.dto';
import { webhookAddressPolicy } from './address-policy';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { notificationErrors } from '../notification-errors';

const secretContext = (id: string) => `webhook-secret:${id}`;

/** The admin-managed CRM webhook endpoints; a secret is generated here, shown once, and kept sealed. */
@Injectable()
export class WebhookEndpointsService {
  private readonly box: SealedBox;

  constructor(
    @InjectRepository(WebhookEndpoint) private readonly endpoints: Repository<WebhookEndpoint>,
    private readonly config: ConfigService<NotificationEnv, true>,
  ) {
    this.box = new SealedBox(config.get('NOTIFICATION_SECRET_SEAL_KEYS', { infer: true }));
  }

  async create(dto: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecret> {
    await this.checkUrl(dto.url);
    const id = randomUUID();
    const secret = newWebhookSecret();
    try {
      const endpoint = await this.endpoints.save(
        this.endpoints.create({
          id,
          crmClientId: dto.crmClientId,
          url: dto.url,
          events: dto.events ?? null,
          ...this.sealed(id, secret),
          secretRotatedAt: new Date(),
        }),
      );
      return { ...toResponse(endpoint), secret };
    } catch (e) {
      if (isUniqueViolation(e)) {
        throw notificationErrors.WEBHOOK_ENDPOINT_EXISTS(`CRM client ${dto.crmClientId} has an endpoint already`);
      }
      throw e;
    }
  }

  async list(query: ListWebhookEndpointsQuery): Promise<Page<WebhookEndpointResponse>> {
    const [items, total] = await this.endpoints.findAndCount({
      where: query.crmClientId ? { crmClientId: query.crmClientId } : {},
      order: { crmClientId: 'ASC' },
      skip: query.skip,
      take: query.pageSize,
    });
    return toPage(items.map(toResponse), total, query);
  }

  async get(id: string): Promise<WebhookEndpointResponse> {
    return toResponse(await this.find(id));
  }

  async update(id: string, dto: UpdateWebhookEndpointDto): Promise<WebhookEndpointResponse> {
    if (dto.url === undefined && dto.events === undefined) {
      throw invalidFields([{ field: 'url', errors: ['Send url, events or both'] }]);
    }
    const endpoint = await this.find(id);
    if (dto.url !== undefined) await this.checkUrl(dto.url);
    return toResponse(
      await this.endpoints.save({
        ...endpoint,
        url: dto.url ?? endpoint.url,
        events: dto.events === undefined ? endpoint.events : dto.events,
      }),
    );
  }

  /**
   * An address written in the URL must be one webhooks may go to (the same check as at every
   * delivery); a name is checked on the addresses it resolves to at each delivery.
   */
  private async checkUrl(url: string): Promise<void> {
    const verdict = checkEndpointUrl(url, await webhookAddressPolicy(this.config));
    if (!verdict.allowed) throw invalidFields([{ field: 'url', errors: [`url ${verdict.reason}`] }]);
  }

  /** A new secret replaces the old one at once: webhooks sent from now on are signed with it. */
  async rotateSecret(id: string): Promise<WebhookEndpointWithSecret> {
    const endpoint = await this.find(id);
    const secret = newWebhookSecret();
    const saved = await this.endpoints.save({ ...endpoint, ...this.sealed(id, secret), secretRotatedAt: new Date() });
    return { ...toResponse(saved), secret };
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.endpoints.delete(id);
  }

  /** The endpoint, its secret for signing, and the events it subscribed to (null: all). */
  async forClient(crmClientId: string): Promise<{ url: string; secret: string; events: string[] | null } | null> {
    const endpoint = await this.endpoints.findOneBy({ crmClientId });
    if (!endpoint) return null;
    try {
      return {
        url: endpoint.url,
        secret: this.box.open(endpoint.secretSealed, secretContext(endpoint.id)).toString(),
        events: endpoint.events,
      };
    } catch {
      // A configuration fault (a seal key removed too early), not a business outcome: the task fails and is retried.
      throw new Error(
        `The secret of webhook endpoint ${endpoint.id} cannot be opened with NOTIFICATION_SECRET_SEAL_KEYS`,
      );
    }
  }

  private sealed(id: string, secret: string) {
    return { secretSealed: this.box.seal(secret, secretContext(id)), secretHint: `whsec_…${secret.slice(-4)}` };
  }

  private async find(id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.endpoints.findOneBy({ id });
    if (!endpoint) throw notificationErrors.WEBHOOK_ENDPOINT_NOT_FOUND(`No webhook endpoint ${id}`);
    return endpoint;
  }
}

/** 256 random bits, prefixed so a leaked one is recognisable in a scan. */
function newWebhookSecret(): string {
  return `whsec_${newSecret(32)}`;
}

function toResponse(e: WebhookEndpoint): WebhookEndpointResponse {
  return {
    id: e.id,
    crmClientId: e.crmClientId,
    url: e.url,
    events: e.events,
    secretHint: e.secretHint,
    secretRotatedAt: e.secretRotatedAt.toISOString(),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
