import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { countFunnelStep, DomainError, maskEmail, MESSAGES } from '@otus/common';
import type { Model } from 'mongoose';
import { Application, ApplicationStatus, type ApplicationDocument } from '../applications/application.schema';
import { StepClaims } from '../applications/step-claims';
import { type Actor, AuditService } from '../audit/audit.service';
import type { ContractEnv } from '../config';
import { documentId, DocumentsService } from '../documents/documents.service';
import type { DeclineReasonCode } from '@otus/common';
import { ProcessMessenger } from '../process/process-messenger';
import { SigningCode } from './signing-code.schema';
import { SigningCodeMailer } from './signing-code.mailer';
import { countSigningLock } from './signing.metrics';
import { contractErrors } from '../contract-errors';

export interface CodeState {
  sentAt: string;
  expiresAt: string;
  attemptsLeft: number;
  locked: boolean;
  canResendAt: string;
  /** New codes the client may still ask for before signing locks. */
  codesLeft: number;
  /** Signing is locked for this application until staff unlock it. */
  signingLocked: boolean;
}

/** Why signing locked: every code of the allowance used up by wrong tries, or one more code asked for. */
export type SigningLockReason = 'TRIES_EXHAUSTED' | 'CODES_EXHAUSTED';

/**
 * Simple electronic signature: a six-digit code e-mailed to the address the CRM gave (never
 * one the client typed), kept as an HMAC, valid for ten minutes, five tries each; a new code
 * may be asked for once a minute, three codes per application. Past that, signing locks: the
 * CRM is told (signed webhook `signing.locked`) and staff may unlock it for another three.
 */
@Injectable()
export class SigningService {
  private readonly secret: string;
  private readonly ttlMs: number;
  private readonly maxAttempts: number;
  private readonly resendAfterMs: number;
  private readonly maxCodes: number;

  constructor(
    @InjectModel(SigningCode.name) private readonly codes: Model<SigningCode>,
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly documents: DocumentsService,
    private readonly mailer: SigningCodeMailer,
    private readonly messenger: ProcessMessenger,
    private readonly audit: AuditService,
    private readonly claims: StepClaims,
    config: ConfigService<ContractEnv, true>,
  ) {
    this.secret = config.get('CONTRACT_SIGNING_CODE_SECRET', { infer: true });
    this.ttlMs = config.get('CONTRACT_SIGNING_CODE_TTL', { infer: true });
    this.maxAttempts = config.get('CONTRACT_SIGNING_CODE_MAX_ATTEMPTS', { infer: true });
    this.resendAfterMs = config.get('CONTRACT_SIGNING_CODE_RESEND_AFTER', { infer: true });
    this.maxCodes = config.get('CONTRACT_SIGNING_CODE_MAX_CODES', { infer: true });
  }

  async state(application: ApplicationDocument): Promise<CodeState | null> {
    const code = await this.codes.findOne({ applicationId: application._id, usedAt: null }).lean();
    // A code sent for a draft a correction withdrew is as good as none.
    if (!code || !forDraft(code, application)) return null;
    const tried = await this.triesTaken(application._id, code.messageId);
    return {
      sentAt: code.sentAt.toISOString(),
      expiresAt: code.expiresAt.toISOString(),
      attemptsLeft: this.maxAttempts - tried,
      locked: tried >= this.maxAttempts,
      canResendAt: new Date(code.sentAt.getTime() + this.resendAfterMs).toISOString(),
      codesLeft: this.maxCodes - (await this.codesSent(application)),
      signingLocked: Boolean(application.signingLockedAt),
    };
  }

  async sendCode(application: ApplicationDocument, courseTitle: string, actor: Actor): Promise<CodeState> {
    requireSignable(application);
    const previous = await this.codes.findOne({ applicationId: application._id }).lean();
    const tooSoon = (sentAt: Date) =>
      contractErrors.CODE_RESEND_TOO_SOON('A code was sent less than a minute ago; please wait', {
        details: { canResendAt: new Date(sentAt.getTime() + this.resendAfterMs).toISOString() },
      });
    if (
      previous &&
      !previous.usedAt &&
      forDraft(previous, application) &&
      Date.now() - previous.sentAt.getTime() < this.resendAfterMs
    ) {
      throw tooSoon(previous.sentAt);
    }
    const signingCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const sentAt = new Date();
    const expiresAt = new Date(sentAt.getTime() + this.ttlMs);
    const messageId = `signing-code-${randomUUID()}`;
    // One request replaces a given code (or sends the first), however many ask at once.
    const replaces = `${application._id}.code-after.${previous?.messageId ?? 'none'}`;
    await this.claims.once(
      replaces,
      () => tooSoon(sentAt),
      async () => {
        const slot = await this.claims.claimNext(this.codesPrefix(application), this.maxCodes);
        if (slot === null) {
          // The allowance is spent. While the last code can still sign, the client is told to use it;
          // once it cannot, signing locks.
          if (previous && forDraft(previous, application) && (await this.canStillSign(application._id, previous))) {
            throw contractErrors.CODE_LIMIT_REACHED('No more codes can be sent; enter the last code you received');
          }
          await this.lock(application, 'CODES_EXHAUSTED', actor);
          throw signingLocked();
        }
        await this.codes.findOneAndUpdate(
          { applicationId: application._id },
          {
            $set: {
              codeHash: this.hash(application._id, signingCode),
              messageId,
              sentAt,
              expiresAt,
              usedAt: null,
              draftDocumentId: application.draftDocumentId,
            },
          },
          { upsert: true },
        );
        try {
          await this.mailer.send({
            applicationId: application._id,
            messageId,
            to: application.clientEmail,
            signingCode,
            clientName: application.fullName ?? application.clientName,
            courseTitle,
            expiresAt,
          });
        } catch (e) {
          // Not delivered: the client may ask again at once, and the code does not count.
          await this.codes.deleteOne({ applicationId: application._id, messageId });
          await this.claims.giveBack(this.codesPrefix(application));
          throw e;
        }
      },
    );
    await this.audit.record(application._id, 'signing-code.sent', actor, {
      messageId,
      sentTo: maskEmail(application.clientEmail),
    });
    return (await this.state(application))!;
  }

  /** A correct code signs the contract and tells the process; wrong ones count towards the lock. */
  async sign(application: ApplicationDocument, signingCode: string, actor: Actor & { ip: string; userAgent: string }) {
    requireSignable(application);
    const current = await this.codes.findOne({ applicationId: application._id }).lean();
    // A code sent for a withdrawn draft (the client corrected their data since) signs nothing.
    if (!current || current.usedAt || !forDraft(current, application)) {
      throw contractErrors.CODE_NOT_REQUESTED('Ask for a code first');
    }
    if (current.expiresAt.getTime() <= Date.now()) {
      throw contractErrors.CODE_EXPIRED('The code has expired; ask for a new one');
    }
    const tryNumber = await this.claims.claimNext(
      this.triesPrefix(application._id, current.messageId),
      this.maxAttempts,
    );
    if (tryNumber === null) throw await this.outOfTries(application, actor);
    if (!this.matches(current.codeHash, application._id, signingCode)) {
      const attemptsLeft = this.maxAttempts - tryNumber;
      await this.audit.record(application._id, 'signing-code.rejected', actor, { attemptsLeft });
      if (attemptsLeft <= 0) throw await this.outOfTries(application, actor);
      throw contractErrors.CODE_INVALID(`Wrong code; ${attemptsLeft} tries left`, { details: { attemptsLeft } });
    }
    // The draft the client was offered: the current one (a correction withdraws the earlier ones).
    const draft = await this.documents.current(application._id, 'draft');
    const signature = {
      signerName: application.fullName ?? application.clientName,
      signedAt: new Date(),
      ip: actor.ip,
      userAgent: actor.userAgent,
      codeSentTo: application.clientEmail,
      draftDocumentId: draft._id,
      draftSha256: draft.sha256,
    };
    await this.claims.once(`${application._id}.signature-decision`, changed, async () => {
      // Read again under the claim: a correction (which takes the same claim) may have withdrawn
      // this draft and its code since the request read them; then nothing is signed.
      const now = await this.applications.findById(application._id).lean();
      if (!now || now.status !== ApplicationStatus.DraftReady || now.outcome || now.draftDocumentId !== draft._id) {
        throw changed();
      }
      const used = await this.codes.updateOne(
        { _id: current._id, messageId: current.messageId, usedAt: null },
        { $set: { usedAt: new Date() } },
      );
      if (used.modifiedCount === 0) {
        throw contractErrors.CODE_EXPIRED('A newer code was sent; use that one');
      }
      const moved = await this.applications.updateOne(
        { _id: application._id, status: ApplicationStatus.DraftReady },
        { $set: { status: ApplicationStatus.Signed, signature } },
      );
      if (moved.modifiedCount === 0) throw changed();
    });
    countFunnelStep('signed');
    await this.audit.record(application._id, 'contract.signed', actor, { draftSha256: draft.sha256 });
    // course.confirm-seat judges the course calendar by the moment of signature, not of its own run.
    await this.messenger.send(application._id, MESSAGES.contractSigned, { signedAt: signature.signedAt.toISOString() });
  }

  async decline(
    application: ApplicationDocument,
    { reasonCode = 'OTHER', reason }: { reasonCode?: DeclineReasonCode; reason?: string },
    actor: Actor,
  ): Promise<void> {
    // A locked signature does not stop a refusal: declining needs no code.
    requireStatus(application, ApplicationStatus.DraftReady);
    await this.claims.once(`${application._id}.signature-decision`, changed, async () => {
      const moved = await this.applications.updateOne(
        { _id: application._id, status: ApplicationStatus.DraftReady },
        { $set: { status: ApplicationStatus.Declined, declineReasonCode: reasonCode, declineReason: reason || null } },
      );
      if (moved.modifiedCount === 0) throw changed();
    });
    await this.audit.record(application._id, 'contract.declined', actor, { reasonCode });
    // The reason is the client's free text: it stays here, out of the process's history (the CRM's
    // webhook asks for it: GET /internal/applications/{id}/decline-reason).
    await this.messenger.send(application._id, MESSAGES.contractDeclined);
  }

  /**
   * A correction withdrew the draft: the code e-mailed for it (if any) is spent, so that neither
   * the page offers it nor it signs the next draft. Called under the application's
   * `signature-decision` claim, so no signature uses it meanwhile.
   */
  async withdrawCode(applicationId: string): Promise<void> {
    await this.codes.updateOne({ applicationId, usedAt: null }, { $set: { usedAt: new Date() } });
  }

  /** Whether signing is locked (or being locked) in the application's current allowance of codes. */
  async lockedNow(application: Pick<Application, '_id' | 'signingRound' | 'signingLockedAt'>): Promise<boolean> {
    if (application.signingLockedAt) return true;
    return this.claims.isClaimed(`${application._id}.signing-locked.${application.signingRound ?? 0}`);
  }

  /**
   * Gives the client another allowance of codes (staff, audited). Refused unless signing is
   * locked and the contract still awaits a signature.
   */
  async unlock(application: ApplicationDocument, actor: Actor): Promise<void> {
    requireStatus(application, ApplicationStatus.DraftReady);
    const notLocked = () => contractErrors.SIGNING_NOT_LOCKED('Signing is not locked for this application');
    if (!application.signingLockedAt) throw notLocked();
    const round = application.signingRound ?? 0;
    await this.claims.once(`${application._id}.signing-unlocked.${round}`, notLocked, async () => {
      await this.applications.updateOne(
        { _id: application._id },
        { $set: { signingLockedAt: null, signingRound: round + 1 } },
      );
    });
    await this.audit.record(application._id, 'signing.unlocked', actor, { round: round + 1 });
  }

  /** The try that found no tries left: the last code of the allowance locks signing, an earlier one asks for a new code. */
  private async outOfTries(application: ApplicationDocument, actor: Actor): Promise<DomainError> {
    if ((await this.codesSent(application)) < this.maxCodes) return locked();
    await this.lock(application, 'TRIES_EXHAUSTED', actor);
    return signingLocked();
  }

  /** Once per allowance: marks the application, records it and tells the process (webhook `signing.locked`). */
  private async lock(application: ApplicationDocument, reason: SigningLockReason, actor: Actor): Promise<void> {
    const round = application.signingRound ?? 0;
    if (!(await this.claims.claim(`${application._id}.signing-locked.${round}`))) return;
    await this.applications.updateOne({ _id: application._id }, { $set: { signingLockedAt: new Date() } });
    countSigningLock(reason);
    await this.audit.record(application._id, 'signing.locked', actor, { reason, round });
    await this.messenger.send(application._id, MESSAGES.signingLocked, { signingLockReason: reason });
  }

  private async canStillSign(applicationId: string, code: SigningCode): Promise<boolean> {
    if (code.usedAt || code.expiresAt.getTime() <= Date.now()) return false;
    return (await this.triesTaken(applicationId, code.messageId)) < this.maxAttempts;
  }

  /** The codes of the current allowance (`signingRound`, one more after each unlock), numbered 1…maxCodes. */
  private codesPrefix(application: ApplicationDocument): string {
    return `${application._id}.code-sent.${application.signingRound ?? 0}`;
  }

  private codesSent(application: ApplicationDocument): Promise<number> {
    return this.claims.countTaken(this.codesPrefix(application));
  }

  /**
   * A code's tries are counted up to maxAttempts (StepClaims.claimNext), so parallel guesses
   * cannot get more tries than that, and a code whose tries are all taken is locked.
   */
  private triesPrefix(applicationId: string, messageId: string): string {
    return `${applicationId}.code-try.${messageId}`;
  }

  private triesTaken(applicationId: string, messageId: string): Promise<number> {
    return this.claims.countTaken(this.triesPrefix(applicationId, messageId));
  }

  private hash(applicationId: string, code: string): string {
    return createHmac('sha256', this.secret).update(`${applicationId}:${code}`).digest('hex');
  }

  private matches(stored: string, applicationId: string, code: string): boolean {
    const given = Buffer.from(this.hash(applicationId, code), 'hex');
    return timingSafeEqual(given, Buffer.from(stored, 'hex'));
  }
}

/** A code signs only the draft it was sent for; one stored before revisions was for the first draft. */
function forDraft(code: Pick<SigningCode, 'draftDocumentId'>, application: ApplicationDocument): boolean {
  const sentFor = code.draftDocumentId ?? documentId(application._id, 'draft');
  return sentFor === application.draftDocumentId;
}

function changed(): DomainError {
  return contractErrors.APPLICATION_CHANGED('The contract is no longer awaiting a signature');
}

function locked(): DomainError {
  return contractErrors.CODE_LOCKED('Too many wrong codes; ask for a new one');
}

function signingLocked(): DomainError {
  return contractErrors.SIGNING_LOCKED(
    'Signing is locked after too many codes; the school has been told and will contact you',
  );
}

/** Awaiting a signature and not locked. */
function requireSignable(application: ApplicationDocument): void {
  requireStatus(application, ApplicationStatus.DraftReady);
  if (application.signingLockedAt) throw signingLocked();
}

function requireStatus(application: ApplicationDocument, status: ApplicationStatus): void {
  if (application.status !== status || application.outcome) {
    throw contractErrors.APPLICATION_NOT_SIGNABLE('The contract is not awaiting a signature');
  }
}
