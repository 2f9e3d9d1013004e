import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { countFunnelStep, EngineClient, MESSAGES, invalidFields } from '@otus/common';
import type { Model } from 'mongoose';
import { Application, ApplicationStatus, type ApplicationDocument } from '../applications/application.schema';
import { ApplicationsService } from '../applications/applications.service';
import { type Actor, AuditService } from '../audit/audit.service';
import { ProcessMessenger } from '../process/process-messenger';
import type { ClientCorrectionDto, ClientFormDto } from './dto/client-form.dto';
import { PersonalDataVault } from '../applications/personal-data';
import { StepClaims } from '../applications/step-claims';
import type { ContractEnv } from '../config';
import { contractErrors } from '../contract-errors';
import { SigningService } from '../signing/signing.service';
import { correctionPrefix, correctionRefusal, type Corrections, corrections } from './corrections';

/** What the client's page shows; one state at a time. */
export type ClientState =
  'FORM' | 'PREPARING_DRAFT' | 'SIGNING' | 'SIGNING_LOCKED' | 'FINALIZING' | 'CONCLUDED' | 'DECLINED' | 'ENDED';

export interface CourseSnapshot {
  code: string;
  title: string | null;
  startDate: string | null;
  priceKopecks: number | null;
  discountKopecks: number | null;
  finalPriceKopecks: number | null;
  promoStatus: string | null;
}

export interface ClientView {
  applicationId: string;
  state: ClientState;
  outcome: string | null;
  outcomeReason: string | null;
  clientName: string;
  course: CourseSnapshot;
  linkExpiresAt: string | null;
  /** Until when the draft can be signed (Moscow time on the page); null before the draft. */
  signDeadline: string | null;
  /** The school's words to the client when staff or the CRM cancelled. */
  cancelReasonText: string | null;
  documents: { draft: boolean; signed: boolean };
  /** Corrections of the client's data before signing: used, left, and whether one is possible now. */
  corrections: Corrections;
}

/** What the correction form shows first: what the client submitted, the sealed part opened. */
/** The correction form's prefill: what the client submitted; the consent box is ticked afresh. */
export type CorrectionValues = Record<Exclude<keyof ClientCorrectionDto, 'consent'>, string>;

const SNAPSHOT = [
  'courseTitle',
  'courseStartDate',
  'priceKopecks',
  'discountKopecks',
  'finalPriceKopecks',
  'promoStatus',
  'linkExpiresAt',
  'signDeadline',
];

/** The school's policy on personal data that the form's consent refers to (CONTRACT_PRIVACY_POLICY_*). */
export interface PrivacyPolicy {
  policyUrl: string;
  policyVersion: string;
}

@Injectable()
export class ClientService {
  private readonly maxCorrections: number;

  /** What the client agrees to with the form's consent box: recorded with each submission of their data. */
  readonly privacyPolicy: PrivacyPolicy;

  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly applicationsService: ApplicationsService,
    private readonly vault: PersonalDataVault,
    private readonly messenger: ProcessMessenger,
    private readonly audit: AuditService,
    private readonly engine: EngineClient,
    private readonly claims: StepClaims,
    private readonly signing: SigningService,
    config: ConfigService<ContractEnv, true>,
  ) {
    this.maxCorrections = config.get('CONTRACT_MAX_CORRECTIONS', { infer: true });
    this.privacyPolicy = {
      policyUrl: config.get('CONTRACT_PRIVACY_POLICY_URL', { infer: true }),
      policyVersion: config.get('CONTRACT_PRIVACY_POLICY_VERSION', { infer: true }),
    };
  }

  async application(applicationId: string): Promise<ApplicationDocument> {
    return this.applicationsService.withOutcome(await this.applicationsService.get(applicationId));
  }

  /** The first time the client's page or view is opened with the link's session goes into the audit trail. */
  async opened(application: ApplicationDocument, actor: Actor): Promise<void> {
    if (await this.claims.claim(`${application._id}.link-opened`)) {
      try {
        // The CRM hears of it (webhook link.opened) through the process, with its retries and log;
        // stored first (it is kept until delivered), so a failure below loses nothing that is repeated.
        await this.messenger.announce(application._id, MESSAGES.linkOpened, { linkOpenedAt: new Date().toISOString() });
        await this.audit.record(application._id, 'link.opened', actor);
      } catch (e) {
        await this.claims.release(`${application._id}.link-opened`);
        throw e;
      }
    }
  }

  async view(application: ApplicationDocument): Promise<ClientView> {
    const vars = application.processInstanceId
      ? await this.engine.variables(application.processInstanceId, SNAPSHOT)
      : {};
    const text = (name: string) => (typeof vars[name] === 'string' ? vars[name] : null);
    const number = (name: string) => (typeof vars[name] === 'number' ? vars[name] : null);
    return {
      applicationId: application._id,
      state: stateOf(application),
      // Cancelled: the page says so at once, while the process is still releasing the seat.
      outcome: application.outcome ?? (application.cancellation ? 'CANCELLED' : null),
      outcomeReason: application.outcomeReason ?? application.cancellation?.reasonCode ?? null,
      clientName: application.fullName ?? application.clientName,
      course: {
        code: application.courseCode,
        title: text('courseTitle'),
        startDate: text('courseStartDate'),
        priceKopecks: number('priceKopecks'),
        discountKopecks: number('discountKopecks'),
        finalPriceKopecks: number('finalPriceKopecks'),
        promoStatus: text('promoStatus'),
      },
      linkExpiresAt: text('linkExpiresAt'),
      signDeadline: text('signDeadline'),
      cancelReasonText: application.cancellation?.reasonText ?? null,
      documents: { draft: Boolean(application.draftDocumentId), signed: Boolean(application.signedDocumentId) },
      corrections: await this.corrections(application),
    };
  }

  async corrections(application: ApplicationDocument): Promise<Corrections> {
    const used = this.maxCorrections ? await this.claims.countTaken(correctionPrefix(application._id)) : 0;
    return corrections(application, used, this.maxCorrections);
  }

  /** The data the client submitted (or last corrected), for the correction form; the sealed part opened here only. */
  correctionValues(application: ApplicationDocument): CorrectionValues {
    if (!application.personal || !application.fullName) {
      throw contractErrors.CLIENT_DATA_MISSING(`Application ${application._id} has no client data yet`);
    }
    const personal = this.vault.open(application._id, application.personal);
    return { fullName: application.fullName, phone: application.clientPhone, ...personal };
  }

  /**
   * The client corrects their data while the draft awaits their signature: the draft is
   * withdrawn (no longer offered, its code spent), the new data stored sealed, and the process
   * makes a new draft (`ClientDataCorrected` with `draftRevision` n, the n-th correction) and
   * e-mails it; the seat hold and the signing deadline stay. At most CONTRACT_MAX_CORRECTIONS
   * times. A correction takes the signature's claim while it withdraws the draft, so it and a
   * signature (or decline, or cancellation) never both succeed; it gives the claim back after,
   * so that the new draft can be signed.
   */
  async correct(application: ApplicationDocument, form: ClientCorrectionDto, actor: Actor): Promise<number> {
    const refusal = correctionRefusal(
      application,
      await this.claims.countTaken(correctionPrefix(application._id)),
      this.maxCorrections,
    );
    if (refusal) throw refusal;
    if (await this.signing.lockedNow(application)) throw lockedRefusal();
    checkDates(form);
    // The consent is recorded in the audit chain, not kept with the data.
    const { fullName, phone, consent: _consent, ...personal } = form;
    const decision = `${application._id}.signature-decision`;
    if (!(await this.claims.claim(decision))) throw decidedMeanwhile();
    let revision: number;
    try {
      // Read again under the claim: what a signature, a decline or another correction changed is seen here.
      const now = await this.applicationsService.get(application._id);
      const stillRefused = correctionRefusal(now, 0, this.maxCorrections);
      if (stillRefused) throw stillRefused;
      if (await this.signing.lockedNow(now)) throw lockedRefusal();
      const slot = await this.claims.claimNext(correctionPrefix(application._id), this.maxCorrections);
      if (slot === null) {
        throw correctionRefusal(now, this.maxCorrections, this.maxCorrections)!;
      }
      revision = slot;
      try {
        // Consent first: data is never kept without its record, and a failure here gives the step back.
        await this.audit.record(application._id, 'consent.given', actor, { ...this.privacyPolicy });
        await this.signing.withdrawCode(application._id);
        const moved = await this.applications.updateOne(
          { _id: application._id, status: ApplicationStatus.DraftReady, draftDocumentId: now.draftDocumentId },
          {
            $set: {
              status: ApplicationStatus.DataSubmitted,
              draftDocumentId: null,
              fullName,
              clientPhone: phone,
              personal: this.vault.seal(application._id, personal),
              // The new draft is dated by its data, as the first one was.
              dataSubmittedAt: new Date(),
              // A new draft, a new allowance of codes: those sent for the withdrawn draft sign nothing.
              signingRound: (now.signingRound ?? 0) + 1,
            },
          },
        );
        if (moved.modifiedCount === 0) throw decidedMeanwhile();
      } catch (e) {
        await this.claims.giveBack(correctionPrefix(application._id));
        throw e;
      }
      await this.audit.record(application._id, 'client-data.corrected', actor, {
        revision,
        withdrawnDraftId: now.draftDocumentId,
      });
      await this.messenger.send(application._id, MESSAGES.clientDataCorrected, { draftRevision: revision });
    } finally {
      await this.claims.release(decision);
    }
    return revision;
  }

  /**
   * Stores the form (personal data sealed) and tells the process. Accepted once: a second
   * submission, or one after the process ended, is refused with a clear code.
   */
  async submit(application: ApplicationDocument, form: ClientFormDto, actor: Actor): Promise<void> {
    if (stateOf(application) !== 'FORM') {
      throw contractErrors.FORM_CLOSED('The form can no longer be submitted for this application');
    }
    checkDates(form);
    // A form sent without the page viewed first (an API client) still came through the opened link.
    await this.opened(application, actor);
    const { fullName, phone, promoCode, consent: _consent, ...personal } = form;
    const closed = () => contractErrors.FORM_CLOSED('The form was already submitted');
    const submittedAt = new Date();
    await this.claims.once(`${application._id}.data-submitted`, closed, async () => {
      // Consent first: data is never kept without its record, and a failure here gives the step back.
      await this.audit.record(application._id, 'consent.given', actor, { ...this.privacyPolicy });
      const moved = await this.applications.updateOne(
        { _id: application._id, status: ApplicationStatus.Created },
        {
          $set: {
            status: ApplicationStatus.DataSubmitted,
            fullName,
            clientPhone: phone,
            promoCode: promoCode ?? application.promoCode,
            personal: this.vault.seal(application._id, personal),
            dataSubmittedAt: submittedAt,
          },
        },
      );
      if (moved.modifiedCount === 0) throw closed();
    });
    countFunnelStep('data_submitted');
    await this.audit.record(application._id, 'client-data.submitted', actor);
    // The mail keeps going to the CRM's address: the form cannot move the signing channel.
    await this.messenger.send(application._id, MESSAGES.clientDataSubmitted, {
      promoCode: promoCode ?? application.promoCode,
      // When the CRM's data.submitted says it happened (its webhook runs beside the path, later).
      dataSubmittedAt: submittedAt.toISOString(),
    });
  }
}

function decidedMeanwhile() {
  return contractErrors.APPLICATION_CHANGED('The contract was signed, declined or changed a moment ago');
}

function lockedRefusal() {
  return contractErrors.CORRECTION_NOT_ALLOWED('Signing is locked; the school will unlock it first');
}

export function stateOf(a: ApplicationDocument): ClientState {
  if (a.status === ApplicationStatus.Concluded || a.outcome === 'CONCLUDED') return 'CONCLUDED';
  if (a.status === ApplicationStatus.Declined || a.outcome === 'DECLINED') return 'DECLINED';
  // A cancellation ends it for the client at once, whatever status a concurrent write left.
  if (a.outcome || a.status === ApplicationStatus.Cancelled || a.cancellation) return 'ENDED';
  switch (a.status) {
    case ApplicationStatus.Created:
      return 'FORM';
    case ApplicationStatus.DataSubmitted:
      return 'PREPARING_DRAFT';
    case ApplicationStatus.DraftReady:
      return a.signingLockedAt ? 'SIGNING_LOCKED' : 'SIGNING';
    default:
      return 'FINALIZING';
  }
}

/** Dates the form's patterns cannot judge: real calendar dates, an adult-enough signer, a passport issued after 14. */
function checkDates(form: ClientFormDto): void {
  const errors: { field: string; errors: string[] }[] = [];
  const today = new Date().toISOString().slice(0, 10);
  const valid = (d: string) =>
    !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;
  const yearsAfter = (d: string, years: number) => `${Number(d.slice(0, 4)) + years}${d.slice(4)}`;
  if (!valid(form.birthDate) || form.birthDate > yearsAfter(today, -14) || form.birthDate < yearsAfter(today, -100)) {
    errors.push({ field: 'birthDate', errors: ['Укажите настоящую дату рождения (от 14 до 100 лет)'] });
  }
  if (!valid(form.passportIssueDate) || form.passportIssueDate > today) {
    errors.push({ field: 'passportIssueDate', errors: ['Дата выдачи не может быть в будущем'] });
  } else if (valid(form.birthDate) && form.passportIssueDate < yearsAfter(form.birthDate, 14)) {
    errors.push({ field: 'passportIssueDate', errors: ['Паспорт выдаётся не раньше 14 лет'] });
  }
  if (errors.length) {
    throw invalidFields(errors);
  }
}
