import { BPMN_ERRORS, BpmnError } from '@otus/common';
import { courseErrors } from '../course-errors';

/**
 * The calendar's refusal is the model's outcome: the BPMN error COURSE_UNAVAILABLE with
 * `unavailableReason` (COURSE_CLOSED, ENROLMENT_CLOSED, COURSE_STARTED). Anything else as it was.
 */
export function asCourseUnavailable(error: unknown): unknown {
  if (!courseErrors.COURSE_UNAVAILABLE.is(error)) return error;
  const { unavailableReason } = error.details as { unavailableReason: string };
  return new BpmnError(BPMN_ERRORS.courseUnavailable, error.message, { unavailableReason });
}
