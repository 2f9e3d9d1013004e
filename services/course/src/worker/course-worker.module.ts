import { Module } from '@nestjs/common';
import { CoursesModule } from '../courses/courses.module';
import { CheckAvailabilityHandler } from './check-availability.handler';

@Module({
  imports: [CoursesModule],
  providers: [CheckAvailabilityHandler],
})
export class CourseWorkerModule {}
