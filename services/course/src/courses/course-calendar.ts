import { zonedTime } from '@otus/common';
import { type Course, CourseStatus } from './course.entity';

/** Why the calendar refuses a seat (`unavailableReason` of the BPMN error COURSE_UNAVAILABLE). */
export type UnavailableReason = 'COURSE_CLOSED' | 'ENROLMENT_CLOSED' | 'COURSE_STARTED';

/** The offset of `timeZone` from UTC at `instant`, in milliseconds. */
function offsetMs(instant: number, timeZone: string): number {
  const [, sign, hours, minutes] = /^([+-])(\d\d):(\d\d)$/.exec(zonedTime(new Date(instant), timeZone).offset)!;
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
}

/** The first instant of calendar day `date` ('YYYY-MM-DD') in `timeZone`: its 00:00 there. */
export function startOfDay(date: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d\d-\d\d$/.test(date) || Number.isNaN(midnightUtc)) throw new RangeError(`invalid date ${date}`);
  // Near a change of offset the offset at midnight UTC may not be the one at local midnight:
  // try both, and take the earlier instant whose wall clock reads 00:00.
  const first = offsetMs(midnightUtc, timeZone);
  const candidates = [midnightUtc - first, midnightUtc - offsetMs(midnightUtc - first, timeZone)];
  const fitting = candidates.filter((t) => offsetMs(t, timeZone) === midnightUtc - t);
  // No instant reads 00:00 (the clocks jump over midnight): the day starts with the jump.
  return new Date(fitting.length ? Math.min(...fitting) : Math.max(...candidates));
}

/** When the course starts: 00:00 of its start date in the school's time zone (COURSE_TIME_ZONE). */
export function courseStartsAt(course: Pick<Course, 'startDate'>, timeZone: string): Date {
  return startOfDay(course.startDate, timeZone);
}

/** The earliest of the instants: a deadline bounded by the course calendar. */
export function earliest(first: Date, ...others: Date[]): Date {
  return new Date(Math.min(first.getTime(), ...others.map((d) => d.getTime())));
}

/**
 * Whether a seat may still be taken or booked at `at`: the course exists and is open, its
 * enrolment deadline has not passed and it has not started. null when it may.
 */
export function enrolmentRefusal(course: Course | null, at: Date, timeZone: string): UnavailableReason | null {
  if (!course || course.status !== CourseStatus.Open) return 'COURSE_CLOSED';
  if (course.enrolmentDeadline.getTime() <= at.getTime()) return 'ENROLMENT_CLOSED';
  if (courseStartsAt(course, timeZone).getTime() <= at.getTime()) return 'COURSE_STARTED';
  return null;
}
