import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NotificationEnv } from '../config';

const MAX_PDF_BYTES = 20 * 1024 * 1024;

/** The contract service's internal routes: the signed contract to attach, and the audit chain's process events. */
@Injectable()
export class ContractClient {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<NotificationEnv, true>) {
    this.baseUrl = config.get('CONTRACT_INTERNAL_URL', { infer: true }).replace(/\/+$/, '');
    this.token = config.get('INTERNAL_API_TOKEN', { infer: true });
    this.timeoutMs = config.get('NOTIFICATION_DOCUMENT_TIMEOUT_MS', { infer: true });
  }

  async pdf(documentId: string): Promise<Buffer> {
    const response = await fetch(`${this.baseUrl}/internal/documents/${encodeURIComponent(documentId)}`, {
      headers: { 'x-internal-token': this.token, accept: 'application/pdf' },
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((e: unknown) => {
      throw new Error(`signed document ${documentId}: contract service unreachable (${describe(e)})`);
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`signed document ${documentId}: contract service answered HTTP ${response.status}`);
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('application/pdf')) {
      await response.body?.cancel();
      throw new Error(`signed document ${documentId}: expected application/pdf, got ${type || 'no content type'}`);
    }
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length === 0 || body.length > MAX_PDF_BYTES) {
      throw new Error(`signed document ${documentId}: ${body.length} bytes is not a plausible PDF`);
    }
    return body;
  }

  /** Adds a step this service carried out (the link e-mail went out) to the application's audit chain, once per key. */
  async recordProcessEvent(
    applicationId: string,
    event: { action: 'link.sent' | 'link.reminded'; eventKey: string; sentTo: string },
  ): Promise<void> {
    const url = `${this.baseUrl}/internal/applications/${encodeURIComponent(applicationId)}/process-events`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'x-internal-token': this.token, 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((e: unknown) => {
      throw new Error(`audit event ${event.action} of ${applicationId}: contract service unreachable (${describe(e)})`);
    });
    await response.body?.cancel();
    if (!response.ok) {
      throw new Error(
        `audit event ${event.action} of ${applicationId}: contract service answered HTTP ${response.status}`,
      );
    }
  }
}

/** Duck-typed: fetch's errors (a DOMException on timeout) need not be instances of this realm's Error. */
function describe(e: unknown): string {
  const error = e as { name?: string; message?: string; cause?: { code?: string } } | null;
  if (error?.name === 'TimeoutError') return 'timed out';
  return error?.cause?.code ?? error?.message ?? String(e);
}
