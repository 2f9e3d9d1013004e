import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import { SeatService } from '../seats/seat.service';

const input = z.object({ applicationId: z.string().min(1).max(64) });
type Input = z.infer<typeof input>;

/** Compensation: gives the seat back. Also runs on paths where no seat was ever held. */
@Injectable()
@TaskHandler(TOPICS.courseReleaseSeat)
export class ReleaseSeatHandler implements TopicHandler<Input, { seatStatus: string | null }> {
  readonly input = input;

  constructor(private readonly seats: SeatService) {}

  async handle({ applicationId }: Input) {
    return { seatStatus: (await this.seats.release(applicationId))?.status ?? null };
  }
}
