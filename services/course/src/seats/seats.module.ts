import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SeatHold } from './seat-hold.entity';
import { SeatMetrics } from './seat.metrics';
import { SeatSweepService } from './seat-sweep.service';
import { SeatService } from './seat.service';

@Module({
  imports: [TypeOrmModule.forFeature([SeatHold]), ScheduleModule.forRoot()],
  providers: [SeatService, SeatSweepService, SeatMetrics],
  exports: [SeatService],
})
export class SeatsModule {}
