import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { BPMN_ERRORS, BpmnError, isoDuration, TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import type { CourseEnv } from '../config';
import { courseErrors } from '../course-errors';
import { SeatService } from '../seats/seat.service';

const input = z.object({
  applicationId: z.string().min(1).max(64),
  courseCode: z.string().trim().min(1).max(64),
  signTtl: isoDuration,
});
type Input = z.infer<typeof input>;

/** Holds a seat until the client signs; a full course is the business outcome NO_SEATS. */
@Injectable()
@TaskHandler(TOPICS.courseHoldSeat)
export class HoldSeatHandler implements TopicHandler<Input, { seatHoldId: string }> {
  readonly input = input;

  constructor(
    private readonly seats: SeatService,
    private readonly config: ConfigService<CourseEnv, true>,
  ) {}

  async handle({ applicationId, courseCode, signTtl }: Input) {
    // The hold outlives the signing deadline, so the process's own timer always releases it first.
    const ttlMs = signTtl + this.config.get('COURSE_SEAT_HOLD_GRACE', { infer: true });
    try {
      const hold = await this.seats.hold(courseCode, applicationId, ttlMs);
      return { seatHoldId: hold.id };
    } catch (e) {
      // The service's refusal is the model's outcome: the process ends as NO_SEATS for the CRM.
      if (courseErrors.NO_SEATS.is(e)) throw new BpmnError(BPMN_ERRORS.noSeats, e.message);
      throw e;
    }
  }
}
