import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { maskName } from '@otus/common';
import { ApplicationsService } from '../applications/applications.service';
import { contractErrors } from '../contract-errors';
import type { ContractDocument } from '../documents/document.schema';
import { DocumentsService } from '../documents/documents.service';
import { contractNumber } from '../documents/pdf/contract-format';
import type { VerificationResponseDto } from './dto/verification.dto';
import { type SealCheck, SealVerifier, UNSEALED } from './seal-verifier';

/**
 * The public check of a contract: anyone holding the file (the client, a bank, a court) learns
 * whether the school issued it, and no personal data. A contract number that does not match
 * answers exactly like an unknown hash, so the check cannot tell that a hash exists.
 */
@Injectable()
export class VerificationService {
  constructor(
    private readonly documents: DocumentsService,
    private readonly applications: ApplicationsService,
    private readonly seals: SealVerifier,
  ) {}

  async bySha256(sha256: string, number?: string): Promise<VerificationResponseDto> {
    const hash = sha256.toLowerCase();
    const document = await this.documents.findBySha256(hash);
    if (!document || (number !== undefined && contractNumber(document.applicationId) !== number)) {
      return { result: 'NOT_FOUND', sha256: hash };
    }
    if (document.kind !== 'signed') return { result: 'DRAFT', sha256: hash };
    // Erased with the application's personal data: the register still knows the hash (VALID), the
    // file to show the seal on is gone (the caller's own file shows it: verify by upload).
    if (document.erasedAt) return this.signed(document, hash, UNSEALED);
    // The same bytes as the caller's file (same hash): the stored copy shows its seal.
    return this.signed(document, hash, await this.seals.verify(this.documents.open(document)));
  }

  async byPdf(pdf: Buffer): Promise<VerificationResponseDto> {
    const hash = createHash('sha256').update(pdf).digest('hex');
    const [document, seal] = await Promise.all([this.documents.findBySha256(hash), this.seals.verify(pdf)]);
    if (document?.kind === 'signed') return this.signed(document, hash, seal);
    if (document) return { result: 'DRAFT', sha256: hash };
    if (seal.sealed && seal.signedByUs) {
      const sealIntact = seal.intact && seal.coversWholeDocument;
      return { result: sealIntact ? 'NOT_REGISTERED' : 'SEAL_BROKEN', sha256: hash, sealIntact, sealedByUs: true };
    }
    return { result: 'NOT_FOUND', sha256: hash };
  }

  /**
   * The register is the proof: a hash of a stored signed contract is VALID whatever the seal says
   * (contracts stored before sealing began carry none; after a change of the school's certificate,
   * older seals are not "ours" by the current one). The seal fields say what the seal shows.
   */
  private async signed(document: ContractDocument, hash: string, seal: SealCheck): Promise<VerificationResponseDto> {
    const signature = await this.signature(document.applicationId);
    return {
      result: 'VALID',
      sha256: hash,
      contractNumber: contractNumber(document.applicationId),
      signedAt: (signature?.signedAt ?? document.createdAt).toISOString(),
      ...(signature?.signerName ? { signer: maskName(signature.signerName) } : {}),
      templateVersion: document.templateVersion,
      ...(seal.sealed ? { sealIntact: seal.intact && seal.coversWholeDocument, sealedByUs: seal.signedByUs } : {}),
    };
  }

  private async signature(applicationId: string): Promise<{ signerName?: string; signedAt?: Date } | null> {
    try {
      const { signature } = await this.applications.get(applicationId);
      return signature ? { signerName: signature.signerName, signedAt: new Date(signature.signedAt) } : null;
    } catch (e) {
      if (contractErrors.APPLICATION_NOT_FOUND.is(e)) return null;
      throw e;
    }
  }
}
