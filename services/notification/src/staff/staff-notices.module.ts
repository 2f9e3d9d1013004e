import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailModule } from '../email/email.module';
import { CourseClient } from './course.client';
import { StaffDigestEntry } from './staff-digest-entry.entity';
import { StaffDigestsJob } from './staff-digests.job';
import { StaffNotices } from './staff-notices.service';

@Module({
  imports: [TypeOrmModule.forFeature([StaffDigestEntry]), ScheduleModule.forRoot(), EmailModule],
  providers: [StaffNotices, StaffDigestsJob, CourseClient],
  exports: [StaffNotices],
})
export class StaffNoticesModule {}
