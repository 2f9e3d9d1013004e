import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { EngineClient, UpstreamError } from '@otus/common';
import type { Model } from 'mongoose';
import { Application, type ApplicationDocument, type Erasure } from '../applications/application.schema';
import { ERASURE_ACTION } from '../audit/audit-chain';
import { AuditService } from '../audit/audit.service';
import { contractErrors } from '../contract-errors';
import { ContractDocument } from '../documents/document.schema';
import { DownloadLink } from '../documents/download-link.schema';
import { PendingMessage } from '../process/pending-message.schema';
import { SigningCode } from '../signing/signing-code.schema';
import { PeerErasure } from './peer-erasure.client';

/**
 * Erases one ended application's personal data everywhere it is kept, leaving an anonymised record:
 * ids, course, outcome, dates and the documents' hashes. The other services and the engine first,
 * this service's own data last, so a failure part-way leaves the application to be erased again
 * (every step is idempotent).
 */
@Injectable()
export class PersonalDataEraser {
  private readonly logger = new Logger(PersonalDataEraser.name);

  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    @InjectModel(ContractDocument.name) private readonly documents: Model<ContractDocument>,
    @InjectModel(SigningCode.name) private readonly codes: Model<SigningCode>,
    @InjectModel(DownloadLink.name) private readonly downloadLinks: Model<DownloadLink>,
    @InjectModel(PendingMessage.name) private readonly pending: Model<PendingMessage>,
    private readonly audit: AuditService,
    private readonly engine: EngineClient,
    private readonly peers: PeerErasure,
  ) {}

  /** An engine that refuses (no DELETE_HISTORY for this account: an engine older than this service) is not the caller's fault. */
  private async deleteHistory(processInstanceId: string): Promise<void> {
    try {
      await this.engine.deleteHistory(processInstanceId);
    } catch (e) {
      if (!(e instanceof UpstreamError)) throw e;
      throw contractErrors.ERASURE_INCOMPLETE(
        `The engine did not delete the process's history (${e.message}); nothing was erased here. Check that the engine grants contractService DELETE_HISTORY`,
      );
    }
  }

  /** Download links that expired before `before` (no TTL index on the local server): nothing can use them. */
  async sweepExpiredLinks(before: Date): Promise<number> {
    return (await this.downloadLinks.deleteMany({ expiresAt: { $lt: before } })).deletedCount;
  }

  async erase(application: ApplicationDocument, erasure: Omit<Erasure, 'at'>): Promise<Erasure> {
    const id = application._id;
    await this.peers.erase(id);
    // The process's history holds the variables (name, e-mail, phone): the engine drops all of it.
    if (application.processInstanceId) await this.deleteHistory(application.processInstanceId);
    const at = new Date();
    await this.documents.updateMany({ applicationId: id }, { $set: { sealedPdf: '', erasedAt: at } });
    await Promise.all([
      this.codes.deleteMany({ applicationId: id }),
      this.downloadLinks.deleteMany({ applicationId: id }),
      this.pending.deleteMany({ $or: [{ _id: id }, { applicationId: id }] }),
    ]);
    const redacted = await this.audit.redact(id);
    const record: Erasure = { ...erasure, at };
    await this.applications.updateOne(
      { _id: id },
      {
        $set: {
          clientName: '',
          clientEmail: '',
          clientPhone: '',
          fullName: null,
          personal: null,
          declineReason: null,
          // The text staff or the CRM wrote for the client may name them; the code stays.
          ...(application.cancellation && { 'cancellation.reasonText': null }),
          // The signature keeps when and what was signed (the draft's hash), not who or from where.
          ...(application.signature && {
            'signature.signerName': '',
            'signature.ip': '',
            'signature.userAgent': '',
            'signature.codeSentTo': '',
          }),
          erasure: record,
        },
      },
    );
    await this.audit.record(
      id,
      ERASURE_ACTION,
      { actor: erasure.by },
      {
        trigger: erasure.trigger,
        reasonCode: erasure.reasonCode,
        redacted,
      },
    );
    this.logger.log({ applicationId: id, trigger: erasure.trigger }, 'personal data erased');
    return record;
  }
}
