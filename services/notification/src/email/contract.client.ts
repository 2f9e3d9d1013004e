import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IncidentError, InternalHttpClient, UpstreamError } from '@otus/common';
import type { NotificationEnv } from '../config';

const MAX_PDF_BYTES = 20 * 1024 * 1024;

/** What a link e-mail adds to the audit chain: the first link, a reminder, or a new link after a reissue. */
export type LinkProcessEvent = 'link.sent' | 'link.reminded' | 'link.reissued';

/** The contract service's internal routes: the signed contract to attach or link to, and the audit chain's process events. */
@Injectable()
export class ContractClient {
  private readonly http: InternalHttpClient;

  constructor(config: ConfigService<NotificationEnv, true>) {
    this.http = new InternalHttpClient({
      name: 'contract service',
      baseUrl: config.get('CONTRACT_INTERNAL_URL', { infer: true }),
      headers: { 'x-internal-token': config.get('INTERNAL_API_TOKEN', { infer: true }) },
      timeoutMs: config.get('NOTIFICATION_DOCUMENT_TIMEOUT_MS', { infer: true }),
    });
  }

  async pdf(documentId: string): Promise<Buffer> {
    const what = `signed document ${documentId}`;
    const { contentType, data } = await this.http
      .request<Buffer>({
        method: 'GET',
        path: `/internal/documents/${encodeURIComponent(documentId)}`,
        accept: 'application/pdf',
        as: 'buffer',
        maxBytes: MAX_PDF_BYTES,
      })
      .catch(context(what));
    if (!contentType.startsWith('application/pdf')) {
      throw new Error(`${what}: expected application/pdf, got ${contentType || 'no content type'}`);
    }
    if (data.length === 0) throw new Error(`${what}: an empty answer is not a PDF`);
    return data;
  }

  /** A short-lived token for the signed contract's public URL, which the `contract.signed` webhook carries. */
  async downloadLink(documentId: string, applicationId: string): Promise<{ token: string; expiresAt: string }> {
    const what = `download link of signed document ${documentId}`;
    const { data } = await this.http
      .request<{ token: string; expiresAt: string }>({
        method: 'POST',
        path: `/internal/documents/${encodeURIComponent(documentId)}/download-links`,
        body: { applicationId },
      })
      .catch((e: unknown) => {
        // No such signed document of this application: waiting will not make one, so an incident at once.
        if (e instanceof UpstreamError && e.status === 404) {
          throw new IncidentError(`${what}: ${e.message}; check the process variable signedDocumentId`);
        }
        return context(what)(e);
      });
    return data;
  }

  /** Why the client declined: a reason code and their own words (null when they gave none). */
  async declineReason(applicationId: string): Promise<{ reasonCode: string; reasonText: string | null }> {
    const what = `decline reason of ${applicationId}`;
    const { data } = await this.http
      .request<{ reasonCode: string; reasonText: string | null }>({
        method: 'GET',
        path: `/internal/applications/${encodeURIComponent(applicationId)}/decline-reason`,
      })
      .catch((e: unknown) => {
        // The application never declined (or is unknown): waiting will not change that.
        if (e instanceof UpstreamError && e.status === 404) {
          throw new IncidentError(`${what}: ${e.message}; check the application's status in the contract service`);
        }
        return context(what)(e);
      });
    return data;
  }

  /** Adds a step this service carried out (the link e-mail went out) to the application's audit chain, once per key. */
  async recordProcessEvent(
    applicationId: string,
    event: { action: LinkProcessEvent; eventKey: string; sentTo: string },
  ): Promise<void> {
    await this.http
      .request({
        method: 'POST',
        path: `/internal/applications/${encodeURIComponent(applicationId)}/process-events`,
        body: event,
      })
      .catch(context(`audit event ${event.action} of ${applicationId}`));
  }
}

/** "signed document d-1: contract service answered HTTP 404" — what the delivery log and Cockpit show. */
function context(what: string) {
  return (e: unknown): never => {
    throw e instanceof UpstreamError ? new Error(`${what}: ${e.message}`) : e;
  };
}
