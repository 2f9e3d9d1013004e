import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import { SeatService } from '../seats/seat.service';

const input = z.object({ applicationId: z.string().min(1).max(64) });
type Input = z.infer<typeof input>;

/** The contract is signed: the held seat becomes a booked one. */
@Injectable()
@TaskHandler(TOPICS.courseConfirmSeat)
export class ConfirmSeatHandler implements TopicHandler<Input, { seatStatus: string }> {
  readonly input = input;

  constructor(private readonly seats: SeatService) {}

  async handle({ applicationId }: Input) {
    return { seatStatus: (await this.seats.confirm(applicationId)).status };
  }
}
