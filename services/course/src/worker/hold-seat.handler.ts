import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { isoDuration, TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import type { CourseEnv } from '../config';
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
    const hold = await this.seats.hold(courseCode, applicationId, ttlMs);
    return { seatHoldId: hold.id };
  }
}
