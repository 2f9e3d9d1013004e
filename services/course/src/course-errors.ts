import { HttpStatus } from '@nestjs/common';
import { defineErrors, type ErrorCode } from '@otus/common';

/** Courses, mentors and seats: every refusal of the course service besides the common ones (`commonErrors`), with its HTTP status. */
export const courseErrors = defineErrors({
  CAPACITY_BELOW_TAKEN: HttpStatus.CONFLICT,
  COURSE_CODE_TAKEN: HttpStatus.CONFLICT,
  COURSE_HAS_SEAT_HOLDS: HttpStatus.CONFLICT,
  COURSE_NOT_FOUND: HttpStatus.NOT_FOUND,
  /** The calendar refuses the seat; `details.unavailableReason` says why (the BPMN error COURSE_UNAVAILABLE). */
  COURSE_UNAVAILABLE: HttpStatus.CONFLICT,
  MENTOR_NOT_FOUND: HttpStatus.NOT_FOUND,
  NO_SEATS: HttpStatus.CONFLICT,
  SEAT_HOLD_CLOSED: HttpStatus.CONFLICT,
  SEAT_HOLD_EXPIRED: HttpStatus.CONFLICT,
  SEAT_HOLD_NOT_FOUND: HttpStatus.NOT_FOUND,
  SEAT_HOLD_RELEASED: HttpStatus.CONFLICT,
});
export type CourseErrorCode = ErrorCode<typeof courseErrors>;
