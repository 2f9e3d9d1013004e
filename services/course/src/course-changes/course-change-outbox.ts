import type { EntityManager } from 'typeorm';
import { courseStartsAt } from '../courses/course-calendar';
import { type Course, CourseStatus } from '../courses/course.entity';
import { CourseChange, type CourseChangeVariables } from './course-change.entity';

/** What the running applications of a course are told about it: status, enrolment deadline, start date. */
export type CourseCalendarState = Pick<Course, 'status' | 'enrolmentDeadline' | 'startDate'>;

/** Whether the status, the enrolment deadline or the start date differ. */
export function calendarChanged(before: CourseCalendarState, after: CourseCalendarState): boolean {
  return (
    before.status !== after.status ||
    before.enrolmentDeadline.getTime() !== after.enrolmentDeadline.getTime() ||
    before.startDate !== after.startDate
  );
}

/** The process variables of a CourseChanged message; the course starts at 00:00 of its start date in `timeZone`. */
export function courseChangeVariables(state: CourseCalendarState, timeZone: string): CourseChangeVariables {
  return {
    courseStatus: state.status,
    courseEnrolmentDeadline: state.enrolmentDeadline.toISOString(),
    courseStartsAt: courseStartsAt(state, timeZone).toISOString(),
    courseNewStartDate: state.startDate,
  };
}

/**
 * What the applications carrying `courseCode` see once the course is deleted or renamed: no
 * course by that code, which the calendar treats as closed (their seat hold would be refused
 * with COURSE_CLOSED).
 */
export function gone(state: CourseCalendarState): CourseCalendarState {
  return { ...state, status: CourseStatus.Closed };
}

/**
 * Queues a CourseChanged message for the running applications of `courseCode` in the transaction
 * of `em` (the one that changes the course), when its status, enrolment deadline or start date
 * changed; whether it queued one. CourseChangeDelivery sends it once the transaction committed.
 */
export async function queueCourseChange(
  em: EntityManager,
  courseCode: string,
  before: CourseCalendarState,
  after: CourseCalendarState,
  timeZone: string,
  /** The code is gone (renamed or deleted): applications already holding a seat keep it by the course's id. */
  renamed = false,
): Promise<boolean> {
  if (!calendarChanged(before, after)) return false;
  const variables = { ...courseChangeVariables(after, timeZone), ...(renamed && { courseRenamed: true }) };
  await em.insert(CourseChange, { courseCode, variables });
  return true;
}
