import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DomainError } from '@otus/common';
import { Counter } from 'prom-client';
import { DataSource, EntityManager, In } from 'typeorm';
import type { CourseEnv } from '../config';
import { courseStartsAt, earliest, enrolmentRefusal, type UnavailableReason } from '../courses/course-calendar';
import { Course } from '../courses/course.entity';
import { SeatHold, SeatHoldStatus } from './seat-hold.entity';
import { courseErrors } from '../course-errors';

export interface SeatCounts {
  held: number;
  confirmed: number;
}

/** A hold and the signing deadline it was taken for (its expiry is that deadline plus the grace). */
export interface HeldSeat {
  hold: SeatHold;
  signDeadline: Date;
}

const seatOperations = new Counter({
  name: 'course_seat_operations_total',
  help: 'Seat holds created, confirmed, released and expired',
  labelNames: ['operation'],
});

/** A hold counts while it is confirmed, or held and not yet past its expiry (database clock). */
export const LIVE = `(status = 'confirmed' OR (status = 'held' AND expires_at > now()))`;

@Injectable()
export class SeatService {
  private readonly logger = new Logger(SeatService.name);
  private readonly timeZone: string;
  /** COURSE_SEAT_HOLD_GRACE: how long a hold outlives its signing deadline. */
  readonly graceMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: ConfigService<CourseEnv, true>,
  ) {
    this.timeZone = config.get('COURSE_TIME_ZONE', { infer: true });
    this.graceMs = config.get('COURSE_SEAT_HOLD_GRACE', { infer: true });
  }

  async counts(courseIds: string[], manager: EntityManager = this.db.manager): Promise<Map<string, SeatCounts>> {
    const result = new Map(courseIds.map((id) => [id, { held: 0, confirmed: 0 }]));
    if (courseIds.length === 0) return result;
    const rows: { course_id: string; status: string; n: string }[] = await manager.query(
      `SELECT course_id, status, count(*) AS n FROM seat_holds
        WHERE course_id = ANY($1) AND ${LIVE} GROUP BY course_id, status`,
      [courseIds],
    );
    for (const row of rows) result.get(row.course_id)![row.status as keyof SeatCounts] = Number(row.n);
    return result;
  }

  async taken(courseId: string, manager: EntityManager = this.db.manager): Promise<number> {
    const { held, confirmed } = (await this.counts([courseId], manager)).get(courseId)!;
    return held + confirmed;
  }

  /**
   * Takes a seat for an application, or returns the hold it already has. The course row is
   * locked, so two applications can never both take the last seat, and the calendar is checked
   * under the same lock: the course must be open, before its enrolment deadline and not started
   * (COURSE_UNAVAILABLE). The signing deadline is `signTtlMs` from now, but never after the
   * enrolment deadline or the start; the hold expires `graceMs` after it.
   */
  async hold(courseCode: string, applicationId: string, signTtlMs: number, graceMs = this.graceMs): Promise<HeldSeat> {
    return this.db.transaction(async (em) => {
      const existing = await em.findOneBy(SeatHold, { applicationId });
      if (existing) return this.reuse(existing, graceMs);
      const course = await em.findOne(Course, { where: { code: courseCode }, lock: { mode: 'pessimistic_write' } });
      // Re-read under the lock: a concurrent hold for this application may have committed meanwhile.
      const raced = await em.findOneBy(SeatHold, { applicationId });
      if (raced) return this.reuse(raced, graceMs);
      const now = await this.clock(em);
      const refusal = enrolmentRefusal(course, now, this.timeZone);
      if (refusal || !course) {
        throw unavailable(refusal ?? 'COURSE_CLOSED', `Course ${courseCode} takes no enrolments (${refusal})`);
      }
      if ((await this.taken(course.id, em)) >= course.capacity) {
        throw courseErrors.NO_SEATS(`Course ${courseCode} has no free seats`);
      }
      const signDeadline = earliest(
        new Date(now.getTime() + signTtlMs),
        course.enrolmentDeadline,
        courseStartsAt(course, this.timeZone),
      );
      const { identifiers } = await em
        .createQueryBuilder()
        .insert()
        .into(SeatHold)
        .values({
          courseId: course.id,
          applicationId,
          status: SeatHoldStatus.Held,
          expiresAt: new Date(signDeadline.getTime() + graceMs),
        })
        .execute();
      seatOperations.inc({ operation: 'held' });
      return { hold: await em.findOneByOrFail(SeatHold, { id: identifiers[0].id as string }), signDeadline };
    });
  }

  /**
   * Books the held seat for good, if the course still takes it at `signedAt` (the signature;
   * default now): open, before its enrolment deadline and its start, else COURSE_UNAVAILABLE.
   * Confirming twice is fine (no second check); confirming a released hold is not.
   */
  /** `checkCalendar` false: as before the calendar bounds (process instances of an older model version). */
  async confirm(applicationId: string, signedAt?: Date, checkCalendar = true): Promise<SeatHold> {
    return this.db.transaction(async (em) => {
      const hold = await em.findOne(SeatHold, { where: { applicationId }, lock: { mode: 'pessimistic_write' } });
      if (!hold) throw courseErrors.SEAT_HOLD_NOT_FOUND(`Application ${applicationId} holds no seat`);
      if (hold.status === SeatHoldStatus.Confirmed) return hold;
      if (hold.status === SeatHoldStatus.Released) {
        throw courseErrors.SEAT_HOLD_RELEASED(`The seat of application ${applicationId} was released`);
      }
      // Locked as for a hold: an administrator closing the course, or a newcomer taking a freed seat, waits.
      const course = await em.findOneOrFail(Course, {
        where: { id: hold.courseId },
        lock: { mode: 'pessimistic_write' },
      });
      const refusal = checkCalendar && enrolmentRefusal(course, signedAt ?? (await this.clock(em)), this.timeZone);
      if (refusal) {
        throw unavailable(
          refusal,
          `Course ${course.code} took no enrolments when application ${applicationId} signed (${refusal})`,
        );
      }
      if (hold.status === SeatHoldStatus.Expired || hold.expiresAt.getTime() <= Date.now()) {
        // The seat stopped counting when the hold expired: take it again only if it is still free.
        if ((await this.taken(course.id, em)) >= course.capacity) {
          throw courseErrors.SEAT_HOLD_EXPIRED(
            `The seat hold of application ${applicationId} expired and the course is full`,
          );
        }
      }
      hold.status = SeatHoldStatus.Confirmed;
      await em.save(hold);
      seatOperations.inc({ operation: 'confirmed' });
      return hold;
    });
  }

  /**
   * The signing deadline moved to `signDeadline`: a live held hold now expires `graceMs` after
   * it, never earlier than it did. No hold, another state, or a hold already past its expiry (its
   * seat may be someone else's by now): nothing changes. Returns whether the hold moved.
   */
  async extend(applicationId: string, signDeadline: Date, graceMs = this.graceMs): Promise<boolean> {
    const expiresAt = new Date(signDeadline.getTime() + graceMs);
    const result = await this.db
      .createQueryBuilder()
      .update(SeatHold)
      .set({ expiresAt })
      .where({ applicationId, status: SeatHoldStatus.Held })
      .andWhere('expires_at > now() AND expires_at < :expiresAt', { expiresAt })
      .execute();
    return Boolean(result.affected);
  }

  /** Gives the seat back (compensation). Nothing held, or already released: nothing to do. */
  async release(applicationId: string): Promise<SeatHold | null> {
    const result = await this.db
      .createQueryBuilder()
      .update(SeatHold)
      .set({ status: SeatHoldStatus.Released })
      .where({ applicationId, status: In([SeatHoldStatus.Held, SeatHoldStatus.Confirmed, SeatHoldStatus.Expired]) })
      .execute();
    if (result.affected) seatOperations.inc({ operation: 'released' });
    return this.db.manager.findOneBy(SeatHold, { applicationId });
  }

  /** Safety net behind the process's own compensation: marks holds past their expiry. */
  async expireOverdue(): Promise<number> {
    const result = await this.db
      .createQueryBuilder()
      .update(SeatHold)
      .set({ status: SeatHoldStatus.Expired })
      .where(`status = 'held' AND expires_at <= now()`)
      .execute();
    const expired = result.affected ?? 0;
    if (expired) {
      seatOperations.inc({ operation: 'expired' }, expired);
      this.logger.log({ expired }, 'expired overdue seat holds');
    }
    return expired;
  }

  /** A repeated hold (a redelivered task): the same hold, and the deadline it was taken for. */
  private reuse(hold: SeatHold, graceMs: number): HeldSeat {
    if (hold.status === SeatHoldStatus.Held || hold.status === SeatHoldStatus.Confirmed) {
      return { hold, signDeadline: new Date(hold.expiresAt.getTime() - graceMs) };
    }
    throw courseErrors.SEAT_HOLD_CLOSED(`The seat hold of application ${hold.applicationId} is already ${hold.status}`);
  }

  /** The database's clock, as the live-seat rule (LIVE) reads it. */
  private async clock(em: EntityManager): Promise<Date> {
    const [{ now }]: { now: Date }[] = await em.query('SELECT clock_timestamp() AS now');
    return now;
  }
}

function unavailable(unavailableReason: UnavailableReason, message: string): DomainError {
  return courseErrors.COURSE_UNAVAILABLE(message, { details: { unavailableReason } });
}
