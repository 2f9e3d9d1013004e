import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { plusPeriod } from '@otus/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Application, type Erasure } from '../applications/application.schema';
import { ApplicationsService } from '../applications/applications.service';
import type { ContractEnv } from '../config';
import { contractErrors } from '../contract-errors';
import { PersonalDataEraser } from './personal-data-eraser';
import { type RetentionPeriods, retainUntil, retentionPeriods } from '../applications/retention';
import { StepClaims } from '../applications/step-claims';

/** Why staff erase on request; a code, so the trail carries no one's words. */
export const ERASURE_REASONS = ['CLIENT_REQUEST', 'CONSENT_WITHDRAWN', 'PURPOSE_ACHIEVED', 'OTHER'] as const;
export type ErasureReason = (typeof ERASURE_REASONS)[number];

/** How many applications one pass of the job erases, and how many of those it does not know the end of it looks at. */
const BATCH = 100;
/** An application is looked at for its end only after this (or the short retention, if shorter): most end days later. */
const SETTLE_AFTER_MS = 3_600_000;
/** An erasure that held its claim this long died part-way; another takes it over (every step repeats safely). */
const ERASURE_CLAIM_STALE_MS = 10 * 60_000;

/**
 * When personal data goes: past its retention (the job), or on request (staff), never while the
 * application runs nor, on request, while a concluded contract must still be kept.
 */
@Injectable()
export class ErasureService {
  private readonly logger = new Logger(ErasureService.name);
  readonly periods: RetentionPeriods;
  private readonly settleAfterMs: number;

  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly applicationsService: ApplicationsService,
    private readonly eraser: PersonalDataEraser,
    private readonly claims: StepClaims,
    config: ConfigService<ContractEnv, true>,
  ) {
    this.periods = retentionPeriods(config);
    this.settleAfterMs = Math.min(SETTLE_AFTER_MS, plusPeriod(new Date(0), this.periods.withoutContract).getTime());
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
    return this.eraseOnce(applicationId, { by: staff, trigger: 'request', reasonCode });
  }

  /**
   * The job, one pass: erases every application whose retention has passed (oldest first), and
   * settles the end of those it does not know yet, each looked at in turn (the least recently
   * looked at first), so none blocks the others. How many were erased.
   */
  async eraseDue(now = new Date()): Promise<number> {
    // Expired a day ago or more: a late webhook retry's URL has long been refused (410) anyway.
    await this.eraser.sweepExpiredLinks(new Date(now.getTime() - 24 * 3_600_000));
    const due = await this.applications
      .find({ erasure: null, retainUntil: { $lte: now } })
      .sort({ retainUntil: 1 })
      .limit(BATCH)
      .lean();
    let erased = 0;
    for (const { _id } of due) {
      try {
        const { alreadyErased } = await this.eraseOnce(_id, {
          by: 'system',
          trigger: 'retention',
          reasonCode: 'RETENTION_EXPIRED',
        });
        if (!alreadyErased) erased += 1;
      } catch (e) {
        this.logger.warn({ applicationId: _id, err: (e as Error).message }, 'not erased now; tried again next pass');
      }
    }
    await this.settleEnds(now);
    return erased;
  }

  /** Applications without `retainUntil`: ended ones get it (the next pass erases them when due), running ones wait their turn. */
  private async settleEnds(now: Date): Promise<void> {
    const unsettled = await this.applications
      .find({ erasure: null, retainUntil: null, createdAt: { $lte: new Date(now.getTime() - this.settleAfterMs) } })
      .sort({ retentionCheckedAt: 1 })
      .limit(BATCH);
    for (const application of unsettled) {
      try {
        const settled = await this.applicationsService.withOutcome(application);
        // Ended before retainUntil was kept: its outcome is known here already.
        const until = settled.retainUntil ?? retainUntil(settled, this.periods);
        await this.applications.updateOne(
          { _id: application._id },
          { $set: { retentionCheckedAt: now, ...(until && { retainUntil: until }) } },
        );
      } catch (e) {
        this.logger.warn({ applicationId: application._id, err: (e as Error).message }, 'its end not settled now');
      }
    }
  }

  /** Under the application's erasure claim (a request and the job, or two replicas, never erase it twice). */
  private async eraseOnce(applicationId: string, erasure: Omit<Erasure, 'at'>) {
    return this.claims.holding(
      `${applicationId}.erasure`,
      ERASURE_CLAIM_STALE_MS,
      () => contractErrors.ERASURE_IN_PROGRESS('This application is being erased right now; look again shortly'),
      async () => {
        const application = await this.applicationsService.get(applicationId);
        if (application.erasure) return { erasure: application.erasure, alreadyErased: true };
        return { erasure: await this.eraser.erase(application, erasure), alreadyErased: false };
      },
    );
  }
}
