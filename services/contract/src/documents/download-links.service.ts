import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { newSecret, secretHash } from '@otus/common';
import type { Model } from 'mongoose';
import { AuditService } from '../audit/audit.service';
import type { ContractEnv } from '../config';
import { contractErrors } from '../contract-errors';
import type { ContractDocument } from './document.schema';
import { DocumentsService } from './documents.service';
import { DownloadLink } from './download-link.schema';

export interface IssuedDownloadLink {
  token: string;
  expiresAt: Date;
}

/** Short-lived bearer URLs to a signed contract: 256 random bits, only their hash stored. */
@Injectable()
export class DownloadLinks {
  private readonly ttlMs: number;

  constructor(
    @InjectModel(DownloadLink.name) private readonly links: Model<DownloadLink>,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
    config: ConfigService<ContractEnv, true>,
  ) {
    this.ttlMs = config.get('CONTRACT_DOWNLOAD_LINK_TTL', { infer: true });
  }

  /**
   * A new token for the signed document `documentId` of `applicationId` (a document of another
   * application, or a draft, is never handed out this way). Audited: the chain shows a link went out.
   */
  async issue(documentId: string, applicationId: string): Promise<IssuedDownloadLink> {
    const document = await this.documents.byId(documentId);
    if (document.kind !== 'signed' || document.applicationId !== applicationId) {
      throw contractErrors.DOCUMENT_NOT_FOUND(`Application ${applicationId} has no signed contract ${documentId}`);
    }
    const token = newSecret(32);
    const expiresAt = new Date(Date.now() + this.ttlMs);
    await this.links.create({
      _id: secretHash(token),
      documentId,
      applicationId: document.applicationId,
      expiresAt,
    });
    await this.audit.record(
      applicationId,
      'download-link.issued',
      { actor: 'system' },
      {
        documentId,
        expiresAt: expiresAt.toISOString(),
      },
    );
    return { token, expiresAt };
  }

  /** The document a token opens; unknown, malformed and expired tokens get one answer. */
  async open(token: string): Promise<ContractDocument> {
    const invalid = () =>
      contractErrors.DOWNLOAD_LINK_INVALID(
        'This download link is not valid or has expired: fetch the contract with your API key instead',
      );
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw invalid();
    const link = await this.links.findById(secretHash(token)).lean();
    if (!link || link.expiresAt.getTime() <= Date.now()) throw invalid();
    return this.documents.byId(link.documentId).catch((e: unknown) => {
      throw contractErrors.DOCUMENT_NOT_FOUND.is(e) ? invalid() : e;
    });
  }
}
