import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS, isoInstant } from '@otus/common';
import { z } from 'zod';
import { SeatService } from '../seats/seat.service';

const input = z.object({
  applicationId: z.string().min(1).max(64),
  /** The new signing deadline (ISO instant). */
  signDeadline: isoInstant,
});
type Input = z.infer<typeof input>;

/**
 * The signing deadline was extended: the held seat now expires COURSE_SEAT_HOLD_GRACE after the
 * new deadline, never earlier than before. No held seat: nothing to do (idempotent).
 */
@Injectable()
@TaskHandler(TOPICS.courseExtendHold)
export class ExtendHoldHandler implements TopicHandler<Input, Record<string, never>> {
  readonly input = input;

  constructor(private readonly seats: SeatService) {}

  async handle({ applicationId, signDeadline }: Input) {
    await this.seats.extend(applicationId, signDeadline);
    return {};
  }
}
