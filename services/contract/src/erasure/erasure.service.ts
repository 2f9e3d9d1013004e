import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { minusPeriod } from '@otus/common';
import type { Model } from 'mongoose';
import { Application, type Erasure } from '../applications/application.schema';
import { ApplicationsService } from '../applications/applications.service';
import type { ContractEnv } from '../config';
import { contractErrors } from '../contract-errors';
import { PersonalDataEraser } from './personal-data-eraser';
import { type RetentionPeriods, retainUntil } from './retention';

/** Why staff erase on request; a code, so the trail carries no one's words. */
export const ERASURE_REASONS = ['CLIENT_REQUEST', 'CONSENT_WITHDRAWN', 'PURPOSE_ACHIEVED', 'OTHER'] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];

/** How many applications one pass of the job looks at. */
const BATCH = 100;

/**
 * When personal data goes: past its retention (the job), or on request (staff), never while the
 * application runs nor, on request, while a concluded contract must still be kept.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);
  readonly periods: RetentionPeriods;

  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly applicationsService: ApplicationsService,
    private readonly eraser: PersonalDataEraser,
    config: ConfigService<ContractEnv, true>,
  ) {
    this.periods = {
      withoutContract: config.get('CONTRACT_RETENTION_WITHOUT_CONTRACT', { infer: true }),
      concluded: config.get('CONTRACT_RETENTION_CONCLUDED', { infer: true }),
    };
  }

  /** Staff's erasure request: refused for a running application and for a contract within its legal period. */
  async request(
    applicationId: string,
    reasonCode: ErasureReason,
    staff: string,
    now = new Date(),
  ): Promise<{ erasure: Erasure; alreadyErased: boolean }> {
    const application = await this.applicationsService.withOutcome(await this.applicationsService.get(applicationId));
    if (application.erasure) return { erasure: application.erasure, alreadyErased: true };
    const until = retainUntil(application, this.periods);
    if (!until) {
      throw contractErrors.APPLICATION_RUNNING(
        'The application is still running: cancel it first (POST …/cancel), then erase its data',
      );
    }
    if (application.outcome === 'CONCLUDED' && until > now) {
      throw contractErrors.RETENTION_REQUIRED(
        `A concluded contract must be kept until ${until.toISOString()} (CONTRACT_RETENTION_CONCLUDED ${this.periods.concluded} from its end); it is erased then`,
        { details: { retainUntil: until.toISOString() } },
      );
    }
    const erasure = await this.eraser.erase(application, { by: staff, trigger: 'request', reasonCode });
    return { erasure, alreadyErased: false };
  }

  /** The job: every ended application past its retention, oldest first; how many were erased. */
  async eraseDue(now = new Date()): Promise<number> {
    // Expired a day ago or more: a late webhook retry's URL has long been refused (410) anyway.
    await this.eraser.sweepExpiredLinks(new Date(now.getTime() - 24 * 3_600_000));
    const endedBefore = (period: string) => minusPeriod(now, period);
    const candidates = await this.applications
      .find({
        erasure: null,
        $or: [
          { outcome: 'CONCLUDED', endedAt: { $lte: endedBefore(this.periods.concluded) } },
          { outcome: { $nin: [null, 'CONCLUDED'] }, endedAt: { $lte: endedBefore(this.periods.withoutContract) } },
          // Ended in the engine but not looked at since (its outcome is settled here), or ended before endedAt existed.
          { outcome: null, createdAt: { $lte: endedBefore(this.periods.withoutContract) } },
          { outcome: { $ne: null }, endedAt: null, updatedAt: { $lte: endedBefore(this.periods.withoutContract) } },
        ],
      })
      .sort({ createdAt: 1 })
      .limit(BATCH);
    let erased = 0;
    for (const candidate of candidates) {
      try {
        const application = await this.applicationsService.withOutcome(candidate);
        const until = retainUntil(application, this.periods);
        if (!until || until > now) continue;
        await this.eraser.erase(application, { by: 'system', trigger: 'retention', reasonCode: 'RETENTION_EXPIRED' });
        erased += 1;
      } catch (e) {
        this.logger.warn(
          { applicationId: candidate._id, err: (e as Error).message },
          'not erased now; tried again next time',
        );
      }
    }
    return erased;
  }
}
