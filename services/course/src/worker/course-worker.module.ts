import { Module } from '@nestjs/common';
import { CoursesModule } from '../courses/courses.module';
import { SeatsModule } from '../seats/seats.module';
import { CheckAvailabilityHandler } from './check-availability.handler';
import { ConfirmSeatHandler } from './confirm-seat.handler';
import { ExtendHoldHandler } from './extend-hold.handler';
import { HoldSeatHandler } from './hold-seat.handler';
import { ReleaseSeatHandler } from './release-seat.handler';

@Module({
  imports: [CoursesModule, SeatsModule],
  providers: [CheckAvailabilityHandler, HoldSeatHandler, ConfirmSeatHandler, ReleaseSeatHandler, ExtendHoldHandler],
})
export class CourseWorkerModule {}
