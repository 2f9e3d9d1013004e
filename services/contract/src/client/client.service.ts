import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { countFunnelStep, EngineClient, MESSAGES, invalidFields } from '@otus/common';
import type { Model } from 'mongoose';
import { Application, ApplicationStatus, type ApplicationDocument } from '../applications/application.schema';
import { ApplicationsService } from '../applications/applications.service';
import { type Actor, AuditService } from '../audit/audit.service';
import { ProcessMessenger } from '../process/process-messenger';
import type { ClientFormDto } from './dto/client-form.dto';
import { PersonalDataVault } from '../applications/personal-data';
import { StepClaims } from '../applications/step-claims';
import { contractErrors } from '../contract-errors';

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
}

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

@Injectable()
export class ClientService {
  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly applicationsService: ApplicationsService,
    private readonly vault: PersonalDataVault,
    private readonly messenger: ProcessMessenger,
    private readonly audit: AuditService,
    private readonly engine: EngineClient,
    private readonly claims: StepClaims,
  ) {}

  async application(applicationId: string): Promise<ApplicationDocument> {
    return this.applicationsService.withOutcome(await this.applicationsService.get(applicationId));
  }

  /** The first time the client's page or view is opened with the link's session goes into the audit trail. */
  async opened(application: ApplicationDocument, actor: Actor): Promise<void> {
    if (await this.claims.claim(`${application._id}.link-opened`)) {
      await this.audit.record(application._id, 'link.opened', actor);
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
    };
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
    const { fullName, phone, promoCode, ...personal } = form;
    const closed = () => contractErrors.FORM_CLOSED('The form was already submitted');
    await this.claims.once(`${application._id}.data-submitted`, closed, async () => {
      const moved = await this.applications.updateOne(
        { _id: application._id, status: ApplicationStatus.Created },
        {
          $set: {
            status: ApplicationStatus.DataSubmitted,
            fullName,
            clientPhone: phone,
            promoCode: promoCode ?? application.promoCode,
            personal: this.vault.seal(application._id, personal),
            dataSubmittedAt: new Date(),
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
    });
  }
}

export function stateOf(a: ApplicationDocument): ClientState {
  if (a.status === ApplicationStatus.Concluded || a.outcome === 'CONCLUDED') return 'CONCLUDED';
  if (a.status === ApplicationStatus.Declined || a.outcome === 'DECLINED') return 'DECLINED';
  if (a.outcome || a.status === ApplicationStatus.Cancelled) return 'ENDED';
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
