import { Injectable } from '@nestjs/common';
import { BPMN_ERRORS, BpmnError, isoDuration, TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import { courseErrors } from '../course-errors';
import { SeatService } from '../seats/seat.service';
import { asCourseUnavailable } from './unavailable';

const input = z.object({
  applicationId: z.string().min(1).max(64),
  courseCode: z.string().trim().min(1).max(64),
  signTtl: isoDuration,
  /** Set by the model version that catches COURSE_UNAVAILABLE; an older one only knows NO_SEATS. */
  courseUnavailableCaught: z.boolean().optional(),
});
type Input = z.infer<typeof input>;

export interface HoldSeatOutput extends Record<string, unknown> {
  seatHoldId: string;
  /** When signing ends (ISO instant): now + signTtl, but never after the enrolment deadline or the start. */
  signDeadline: string;
}

/**
 * Holds a seat until the client signs. A full course is the business outcome NO_SEATS; a course
 * the calendar closed (closed, deadline passed, started) is COURSE_UNAVAILABLE with its reason.
 */
@Injectable()
@TaskHandler(TOPICS.courseHoldSeat)
export class HoldSeatHandler implements TopicHandler<Input, HoldSeatOutput> {
  readonly input = input;

  constructor(private readonly seats: SeatService) {}

  async handle({ applicationId, courseCode, signTtl, courseUnavailableCaught }: Input): Promise<HoldSeatOutput> {
    try {
      // The hold outlives the signing deadline by COURSE_SEAT_HOLD_GRACE, so the process's own timer releases it first.
      const { hold, signDeadline } = await this.seats.hold(courseCode, applicationId, signTtl);
      return { seatHoldId: hold.id, signDeadline: signDeadline.toISOString() };
    } catch (e) {
      // The service's refusal is the model's outcome: the process ends as NO_SEATS for the CRM.
      if (courseErrors.NO_SEATS.is(e)) throw new BpmnError(BPMN_ERRORS.noSeats, e.message);
      // An instance of an older model version ends as it did for a closed course: NO_SEATS.
      if (courseErrors.COURSE_UNAVAILABLE.is(e) && courseUnavailableCaught !== true) {
        throw new BpmnError(BPMN_ERRORS.noSeats, e.message);
      }
      throw asCourseUnavailable(e);
    }
  }
}
