import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { backoffDelayMs, EngineClient, MESSAGES } from '@otus/common';
import { DataSource } from 'typeorm';
import type { CourseEnv } from '../config';
import type { CourseChangeVariables } from './course-change.entity';

const INTERVAL_NAME = 'course-change-delivery';
/** The longest pause after failures in a row. */
const MAX_BACKOFF_MS = 60_000;

export interface DeliveredChange {
  id: string;
  courseCode: string;
  executions: number;
}

/**
 * Sends the queued course changes (the `course_changes` outbox) to the engine as CourseChanged,
 * to every execution waiting for it in the processes whose `courseCode` is the course's, every
 * COURSE_CHANGE_DELIVERY_INTERVAL_MS. Each row is sent inside a transaction that holds it with
 * `FOR UPDATE SKIP LOCKED`, so replicas never send the same row at once, and a course's next
 * change waits until the one before it was delivered, so its applications see them in order.
 * The row is marked delivered in the same transaction after the engine answered: a crash or a
 * lost commit in between sends it again (at least once). An engine error leaves it for a later
 * round, after a back-off.
 */
@Injectable()
export class CourseChangeDelivery implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CourseChangeDelivery.name);
  private readonly intervalMs: number;
  private failures = 0;
  private pausedUntil = 0;
  private round: Promise<unknown> | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly engine: EngineClient,
    private readonly scheduler: SchedulerRegistry,
    config: ConfigService<CourseEnv, true>,
  ) {
    this.intervalMs = config.get('COURSE_CHANGE_DELIVERY_INTERVAL_MS', { infer: true });
  }

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      INTERVAL_NAME,
      setInterval(() => void this.tick(), this.intervalMs),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) this.scheduler.deleteInterval(INTERVAL_NAME);
    await this.round;
  }

  /** One round, unless one still runs or the loop pauses after a failure. */
  private async tick(): Promise<void> {
    if (this.round || Date.now() < this.pausedUntil) return;
    this.round = this.deliverPending()
      .then(() => (this.failures = 0))
      .catch((e: unknown) => {
        this.failures++;
        const pauseMs = backoffDelayMs({ baseMs: this.intervalMs, maxMs: MAX_BACKOFF_MS }, this.failures);
        this.pausedUntil = Date.now() + pauseMs;
        this.logger.warn(
          { err: e instanceof Error ? e.message : String(e), failures: this.failures, retryInMs: pauseMs },
          'course changes not delivered; retrying later',
        );
      })
      .finally(() => (this.round = null));
    await this.round;
  }

  /** Sends what is queued, oldest first, until nothing is left to send; throws at the first failure. */
  async deliverPending(): Promise<DeliveredChange[]> {
    const delivered: DeliveredChange[] = [];
    for (let next = await this.deliverNext(); next; next = await this.deliverNext()) delivered.push(next);
    return delivered;
  }

  /**
   * Sends the oldest change no other replica holds whose course has no older change still to
   * send, and marks it delivered; null when there is none. An engine error rolls back: the row
   * stays queued.
   */
  async deliverNext(): Promise<DeliveredChange | null> {
    return this.db.transaction(async (em) => {
      const rows: { id: string; course_code: string; variables: CourseChangeVariables }[] = await em.query(
        `SELECT id, course_code, variables FROM course_changes c
          WHERE delivered_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM course_changes older
                             WHERE older.course_code = c.course_code AND older.delivered_at IS NULL AND older.id < c.id)
          ORDER BY id
          LIMIT 1
          FOR UPDATE SKIP LOCKED`,
      );
      const row = rows[0];
      if (!row) return null;
      const executions = await this.engine.correlateAll(
        MESSAGES.courseChanged,
        // Not a process already ending (declined, expired, …): it must not be ended a second way.
        { courseCode: row.course_code, closing: false },
        row.variables,
      );
      await em.query(`UPDATE course_changes SET delivered_at = now(), executions = $2 WHERE id = $1`, [
        row.id,
        executions,
      ]);
      this.logger.log({ courseCode: row.course_code, change: row.id, executions }, 'course change delivered');
      return { id: row.id, courseCode: row.course_code, executions };
    });
  }
}
