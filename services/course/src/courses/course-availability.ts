import { courseStartsAt } from './course-calendar';
import { Course, CourseStatus } from './course.entity';

export type RejectReason = 'COURSE_NOT_FOUND' | 'ENROLMENT_CLOSED' | 'COURSE_STARTED' | 'NO_FREE_SEATS';

export type Availability =
  { available: true; course: Course } | { available: false; reason: RejectReason; course?: Course };

/**
 * The rules in the order a client would want to hear them: does it exist, can I still enrol, is
 * there room. A course has started from 00:00 of its start date in `timeZone` (COURSE_TIME_ZONE).
 */
export function assessAvailability(
  course: Course | null,
  freeSeats: number,
  now: Date,
  timeZone: string,
): Availability {
  if (!course || course.status === CourseStatus.Draft) return { available: false, reason: 'COURSE_NOT_FOUND' };
  if (course.status === CourseStatus.Closed || course.enrolmentDeadline.getTime() <= now.getTime()) {
    return { available: false, reason: 'ENROLMENT_CLOSED', course };
  }
  if (courseStartsAt(course, timeZone).getTime() <= now.getTime()) {
    return { available: false, reason: 'COURSE_STARTED', course };
  }
  if (freeSeats <= 0) return { available: false, reason: 'NO_FREE_SEATS', course };
  return { available: true, course };
}
