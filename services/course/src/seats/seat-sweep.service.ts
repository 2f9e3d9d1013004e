import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { OnApplicationBootstrap } from '@nestjs/common';
import type { CourseEnv } from '../config';
import { SeatService } from './seat.service';

/** Runs the expiry sweep every COURSE_SEAT_SWEEP_INTERVAL_MS. */
@Injectable()
export class SeatSweepService implements OnApplicationBootstrap {
  constructor(
    private readonly seats: SeatService,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: ConfigService<CourseEnv, true>,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.get('COURSE_SEAT_SWEEP_INTERVAL_MS', { infer: true });
    const timer = setInterval(() => void this.seats.expireOverdue().catch(() => undefined), every);
    this.scheduler.addInterval('seat-hold-sweep', timer);
  }
}
