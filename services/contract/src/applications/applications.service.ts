import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import {
  checkWebhookUrl,
  EngineClient,
  invalidFields,
  webhookAddressPolicyOf,
  CONTRACT_PROCESS_KEY,
} from '@otus/common';
import { isDuplicateKey } from '@otus/common/mongo';
import type { Model } from 'mongoose';
import { Counter } from 'prom-client';
import { AuditService } from '../audit/audit.service';
import type { ContractEnv } from '../config';
import { Application, type ApplicationDocument, ApplicationStatus, OUTCOMES } from './application.schema';
import type { ApplicationResponse, CreateApplicationDto } from './dto/application.dto';
import { retainUntil, retentionPeriods } from './retention';
import { StepClaims } from './step-claims';
import { contractErrors } from '../contract-errors';

const TERMINAL = new Set<string>(OUTCOMES);

const applicationEvents = new Counter({
  name: 'contract_applications_total',
  help: 'CRM applications received, and ended by outcome (counted when the contract service learns the outcome)',
  labelNames: ['event', 'outcome'],
});

const CLAIM_STALE_MS = 60_000;

@Injectable()
export class ApplicationsService {
  private readonly logger = new Logger(ApplicationsService.name);

  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly claims: StepClaims,
    private readonly engine: EngineClient,
    private readonly audit: AuditService,
    private readonly config: ConfigService<ContractEnv, true>,
  ) {}

  /**
   * Takes a CRM application, once: the same CRM id always returns the same application and
   * never starts a second process. If the engine was down when it first came, a repeat starts it.
   */
  async intake(
    crmClientId: string,
    dto: CreateApplicationDto,
  ): Promise<{ created: boolean; response: ApplicationResponse }> {
    if (dto.webhookUrl !== undefined) await this.checkWebhookUrl(dto.webhookUrl);
    const { application, created } = await this.upsert(crmClientId, dto);
    if (created) {
      applicationEvents.inc({ event: 'received' });
      await this.audit.record(application._id, 'application.created', { actor: `crm:${crmClientId}` });
    }
    // Cancelled before its process could start (the engine was down): a repeat must not start it now.
    if (!application.processInstanceId && !application.cancellation) await this.startProcess(application);
    return { created, response: toResponse(await this.withOutcome(await this.get(application._id))) };
  }

  async forCrm(crmClientId: string, crmApplicationId: string): Promise<ApplicationResponse> {
    return toResponse(await this.withOutcome(await this.ofCrm(crmClientId, crmApplicationId)));
  }

  /** One of this CRM's applications; another CRM's id is as unknown as a made-up one. */
  async ofCrm(crmClientId: string, crmApplicationId: string): Promise<ApplicationDocument> {
    const application = await this.applications.findOne({ crmClientId, crmApplicationId });
    if (!application) throw contractErrors.APPLICATION_NOT_FOUND(`No application ${crmApplicationId}`);
    return application;
  }

  async get(applicationId: string): Promise<ApplicationDocument> {
    const application = await this.applications.findById(applicationId);
    if (!application) throw contractErrors.APPLICATION_NOT_FOUND(`No application ${applicationId}`);
    return application;
  }

  /** Copies the process's end into the application once it is known; until then asks the engine. */
  async withOutcome(application: ApplicationDocument): Promise<ApplicationDocument> {
    if (application.outcome || !application.processInstanceId) return application;
    const process = await this.engine.findByBusinessKey(CONTRACT_PROCESS_KEY, application._id);
    if (process?.state === 'ACTIVE') return application;
    let ended: { outcome: string; outcomeReason: string | null; endedAt: Date };
    if (process) {
      const { outcome, outcomeReason } = await this.engine.variables(process.id, ['outcome', 'outcomeReason']);
      ended = {
        outcome: typeof outcome === 'string' && TERMINAL.has(outcome) ? outcome : 'FAILED',
        outcomeReason: typeof outcomeReason === 'string' ? outcomeReason : null,
        endedAt: process.endTime ? new Date(process.endTime) : new Date(),
      };
    } else {
      // Started, yet the engine keeps no history of it: cleaned up (historyTimeToLive) before
      // anyone looked. What this service knows of the end is what it recorded itself.
      ended = { outcome: outcomeOfStatus(application.status), outcomeReason: null, endedAt: application.updatedAt };
    }
    const updated = await this.applications.findOneAndUpdate(
      { _id: application._id },
      { $set: { ...ended, retainUntil: retainUntil(ended, retentionPeriods(this.config)) } },
      { new: true },
    );
    // Requests racing here store the same outcome; only one of them counts it.
    if (await this.claims.claim(`${application._id}.outcome-counted`)) {
      applicationEvents.inc({ event: 'ended', outcome: ended.outcome });
    }
    return updated ?? application;
  }

  /**
   * The notification service will POST to this URL from inside our network: only hosts in
   * CRM_WEBHOOK_ALLOWED_HOSTS, so a CRM key cannot aim it at the engine or a metadata address,
   * and an address written in the URL must pass the same address policy every delivery applies
   * (public, or in WEBHOOK_ALLOWED_ADDRESSES, never the engine's or a service's).
   */
  private async checkWebhookUrl(url: string): Promise<void> {
    const verdict = checkWebhookUrl(
      url,
      this.config.get('CRM_WEBHOOK_ALLOWED_HOSTS', { infer: true }),
      await webhookAddressPolicyOf(this.config, [
        'CAMUNDA_REST_URL',
        'NOTIFICATION_INTERNAL_URL',
        'USER_INTERNAL_URL',
        'AUTH_JWKS_URL',
        'CONTRACT_MONGO_URL',
      ]),
    );
    if (verdict.allowed) return;
    throw invalidFields([{ field: 'webhookUrl', errors: [`webhookUrl ${verdict.reason}`] }]);
  }

  private async upsert(crmClientId: string, dto: CreateApplicationDto) {
    const filter = { crmClientId, crmApplicationId: dto.crmApplicationId };
    const fields = {
      courseCode: dto.courseCode,
      clientName: dto.clientName,
      clientEmail: dto.clientEmail,
      clientPhone: dto.clientPhone,
      promoCode: dto.promoCode ?? null,
      crmWebhookUrl: dto.webhookUrl ?? null,
    };
    for (let attempt = 0; ; attempt++) {
      const existing = await this.applications.findOne(filter);
      if (existing) return { application: existing, created: false };
      try {
        return { application: await this.applications.create({ ...filter, ...fields }), created: true };
      } catch (e) {
        // Two posts of the same id at once: the unique index lets one in; the other reads it.
        if (!isDuplicateKey(e) || attempt > 2) throw e;
      }
    }
  }

  /** Only one request may start the process; a claim older than a minute belongs to a request that died. */
  private async startProcess(application: ApplicationDocument): Promise<void> {
    const step = `${application._id}.process-start`;
    if (!(await this.claims.claim(step, CLAIM_STALE_MS))) return;
    try {
      await this.claimedStart(application);
    } catch (e) {
      await this.claims.release(step);
      throw e;
    }
  }

  private async claimedStart(application: ApplicationDocument): Promise<void> {
    // A repeat after a lost answer must not start a second process for the same business key.
    const running = await this.engine.findByBusinessKey(CONTRACT_PROCESS_KEY, application._id);
    const { id } =
      running ??
      (await this.engine.start(CONTRACT_PROCESS_KEY, application._id, {
        applicationId: application._id,
        crmApplicationId: application.crmApplicationId,
        crmClientId: application.crmClientId,
        crmWebhookUrl: application.crmWebhookUrl,
        courseCode: application.courseCode,
        clientName: application.clientName,
        clientEmail: application.clientEmail,
        promoCode: application.promoCode,
        linkTtl: this.config.get('CONTRACT_LINK_TTL', { infer: true }),
        signTtl: this.config.get('CONTRACT_SIGN_TTL', { infer: true }),
        linkReminderAfter: this.config.get('CONTRACT_LINK_REMINDER_AFTER', { infer: true }),
        // Set true by the model as soon as an ending begins: lifecycle messages then find nothing to steer.
        closing: false,
      }));
    application.processInstanceId = id;
    await this.applications.updateOne({ _id: application._id }, { $set: { processInstanceId: id } });
    this.logger.log({ applicationId: application._id, processInstanceId: id }, 'process started');
  }
}

export function toResponse(a: ApplicationDocument): ApplicationResponse {
  return {
    applicationId: a._id,
    crmApplicationId: a.crmApplicationId,
    courseCode: a.courseCode,
    status: a.status,
    outcome: a.outcome,
    outcomeReason: a.outcomeReason,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

/** The end an application's own status implies, for one whose process history is gone. */
function outcomeOfStatus(status: ApplicationStatus): string {
  if (status === ApplicationStatus.Concluded) return 'CONCLUDED';
  if (status === ApplicationStatus.Declined) return 'DECLINED';
  if (status === ApplicationStatus.Cancelled) return 'CANCELLED';
  return 'FAILED';
}
