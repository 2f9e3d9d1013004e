import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource, EntityManager, In } from 'typeorm';
import { Course, CourseStatus } from '../courses/course.entity';
import { SeatHold, SeatHoldStatus } from './seat-hold.entity';
import { courseErrors } from '../course-errors';

export interface SeatCounts {
  held: number;
  confirmed: number;
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

  constructor(@InjectDataSource() private readonly db: DataSource) {}

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
   * Takes a seat for an application, or returns the hold it already has. The course row
   * is locked, so two applications can never both take the last seat.
   */
  async hold(courseCode: string, applicationId: string, ttlMs: number): Promise<SeatHold> {
    const hold = await this.db.transaction(async (em) => {
      const existing = await em.findOneBy(SeatHold, { applicationId });
      if (existing) return this.reuse(existing);
      const course = await em.findOne(Course, { where: { code: courseCode }, lock: { mode: 'pessimistic_write' } });
      if (!course || course.status !== CourseStatus.Open) {
        throw courseErrors.NO_SEATS(`Course ${courseCode} is not open for enrolment`);
      }
      // Re-read under the lock: a concurrent hold for this application may have committed meanwhile.
      const raced = await em.findOneBy(SeatHold, { applicationId });
      if (raced) return this.reuse(raced);
      if ((await this.taken(course.id, em)) >= course.capacity) {
        throw courseErrors.NO_SEATS(`Course ${courseCode} has no free seats`);
      }
      const { identifiers } = await em
        .createQueryBuilder()
        .insert()
        .into(SeatHold)
        .values({
          courseId: course.id,
          applicationId,
          status: SeatHoldStatus.Held,
          expiresAt: () => `now() + make_interval(secs => ${ttlMs / 1000})`,
        })
        .execute();
      seatOperations.inc({ operation: 'held' });
      return em.findOneByOrFail(SeatHold, { id: identifiers[0].id as string });
    });
    return hold;
  }

  /** Books the held seat for good. Confirming twice is fine; confirming a released hold is not. */
  async confirm(applicationId: string): Promise<SeatHold> {
    return this.db.transaction(async (em) => {
      const hold = await em.findOne(SeatHold, { where: { applicationId }, lock: { mode: 'pessimistic_write' } });
      if (!hold) throw courseErrors.SEAT_HOLD_NOT_FOUND(`Application ${applicationId} holds no seat`);
      if (hold.status === SeatHoldStatus.Confirmed) return hold;
      if (hold.status === SeatHoldStatus.Released) {
        throw courseErrors.SEAT_HOLD_RELEASED(`The seat of application ${applicationId} was released`);
      }
      if (hold.status === SeatHoldStatus.Expired || hold.expiresAt.getTime() <= Date.now()) {
        // The seat stopped counting when the hold expired: take it again only if it is still free.
        const course = await em.findOneOrFail(Course, {
          where: { id: hold.courseId },
          lock: { mode: 'pessimistic_write' },
        });
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

  private reuse(hold: SeatHold): SeatHold {
    if (hold.status === SeatHoldStatus.Held || hold.status === SeatHoldStatus.Confirmed) return hold;
    throw courseErrors.SEAT_HOLD_CLOSED(`The seat hold of application ${hold.applicationId} is already ${hold.status}`);
  }
}
