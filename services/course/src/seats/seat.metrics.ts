import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { LIVE } from './seat.service';

/** The most courses exported: an upper bound on the series, far above the open courses a school runs at once. */
const MAX_COURSES = 500;

interface SeatRow {
  code: string;
  capacity: number;
  free: number;
}

/** Set by the running application's SeatMetrics; the gauges are empty while there is none. */
let snapshotSource: (() => Promise<SeatRow[]>) | null = null;
let pending: Promise<SeatRow[]> | null = null;

/** One query per scrape for both gauges: the first collect starts it, the second joins it. */
function snapshot(): Promise<SeatRow[]> {
  if (!snapshotSource) return Promise.resolve([]);
  pending ??= snapshotSource().finally(() => (pending = null));
  return pending;
}

/** A gauge per open course, filled on scrape from the shared snapshot. */
function courseGauge(name: string, help: string, value: (row: SeatRow) => number): Gauge {
  return new Gauge({
    name,
    help,
    labelNames: ['course'],
    async collect() {
      const rows = await snapshot().catch(() => []);
      this.reset();
      for (const row of rows) this.set({ course: row.code }, value(row));
    },
  });
}

const freeSeats = courseGauge(
  'course_free_seats',
  'Free seats of each open course (capacity minus confirmed and live held seats), computed on scrape',
  (row) => row.free,
);
const capacity = courseGauge('course_capacity', 'Seats of each open course, computed on scrape', (row) => row.capacity);

/** Feeds `course_free_seats` and `course_capacity` from the database of this application. */
@Injectable()
export class SeatMetrics implements OnModuleInit, OnModuleDestroy {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    snapshotSource = () => this.openCourses();
  }

  onModuleDestroy(): void {
    snapshotSource = null;
    freeSeats.reset();
    capacity.reset();
  }

  /** Open courses whose enrolment is still running, with their live seats (the seat_holds_live index). */
  async openCourses(): Promise<SeatRow[]> {
    const rows: { code: string; capacity: number; taken: string | null }[] = await this.db.query(
      `SELECT c.code, c.capacity, h.taken
         FROM courses c
         LEFT JOIN (SELECT course_id, count(*) AS taken FROM seat_holds WHERE ${LIVE} GROUP BY course_id) h
           ON h.course_id = c.id
        WHERE c.status = 'open' AND c.enrolment_deadline > now()
        ORDER BY c.enrolment_deadline
        LIMIT ${MAX_COURSES}`,
    );
    return rows.map((r) => ({ code: r.code, capacity: r.capacity, free: Math.max(r.capacity - Number(r.taken), 0) }));
  }
}
