import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { commonErrors, newSecret, secretHash } from '@otus/common';
import { IsNull, Repository } from 'typeorm';

import { ApiClient } from './api-client.entity';
import type { ApiClientResponse, CreatedApiClientResponse } from './dto/api-client.dto';
import { userErrors } from '../user-errors';

const KEY_PREFIX = 'otus_';

@Injectable()
export class ApiClientService {
  constructor(@InjectRepository(ApiClient) private readonly clients: Repository<ApiClient>) {}

  async create(name: string): Promise<CreatedApiClientResponse> {
    const apiKey = `${KEY_PREFIX}${newSecret(24)}`;
    const client = await this.clients.save(
      this.clients.create({
        name,
        keyPrefix: apiKey.slice(0, 9),
        keyHash: secretHash(apiKey),
        revokedAt: null,
        lastUsedAt: null,
      }),
    );
    return { ...toResponse(client), apiKey };
  }

  async list(): Promise<ApiClientResponse[]> {
    return (await this.clients.find({ order: { createdAt: 'DESC' } })).map(toResponse);
  }

  async get(id: string): Promise<ApiClientResponse> {
    return toResponse(await this.find(id));
  }

  /** Revoking is final: the CRM needs a new key. */
  async revoke(id: string): Promise<void> {
    await this.find(id);
    await this.clients.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async authenticate(apiKey: string): Promise<ApiClient> {
    const client = apiKey.startsWith(KEY_PREFIX) ? await this.clients.findOneBy({ keyHash: secretHash(apiKey) }) : null;
    if (!client || client.revokedAt) {
      throw commonErrors.UNAUTHENTICATED('A valid CRM API key is required');
    }
    // Once a minute is enough to tell operators the key is in use.
    if (!client.lastUsedAt || Date.now() - client.lastUsedAt.getTime() > 60_000) {
      await this.clients.update(client.id, { lastUsedAt: new Date() });
    }
    return client;
  }

  private async find(id: string): Promise<ApiClient> {
    const client = await this.clients.findOneBy({ id });
    if (!client) throw userErrors.API_CLIENT_NOT_FOUND(`No API client ${id}`);
    return client;
  }
}

function toResponse(c: ApiClient): ApiClientResponse {
  return {
    id: c.id,
    name: c.name,
    keyPrefix: c.keyPrefix,
    createdAt: c.createdAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
    lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
  };
}
