import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS, isoInstant } from '@otus/common';
import { z } from 'zod';
import { SeatService } from '../seats/seat.service';
import { asCourseUnavailable } from './unavailable';

const input = z.object({
  applicationId: z.string().min(1).max(64),
  /** When the client signed; the calendar is checked at that moment (now when absent). */
  signedAt: isoInstant.optional(),
  /** Set by the model version that catches COURSE_UNAVAILABLE here; older instances confirm as before. */
  courseUnavailableCaught: z.boolean().optional(),
});
type Input = z.infer<typeof input>;

/** The contract is signed: the held seat becomes a booked one, if the course still takes it. */
@Injectable()
@TaskHandler(TOPICS.courseConfirmSeat)
export class ConfirmSeatHandler implements TopicHandler<Input, { seatStatus: string }> {
  readonly input = input;

  constructor(private readonly seats: SeatService) {}

  async handle({ applicationId, signedAt, courseUnavailableCaught }: Input) {
    try {
      return {
        seatStatus: (await this.seats.confirm(applicationId, signedAt, courseUnavailableCaught === true)).status,
      };
    } catch (e) {
      throw asCourseUnavailable(e);
    }
  }
}
