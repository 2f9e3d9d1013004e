import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CourseChange } from '../course-changes/course-change.entity';
import { SeatsModule } from '../seats/seats.module';
import { Course } from './course.entity';
import { CourseService } from './course.service';
import { CoursesController } from './courses.controller';
import { InternalCoursesController } from './internal-courses.controller';
import { PublicCoursesController } from './public-courses.controller';

@Module({
  imports: [TypeOrmModule.forFeature([Course, CourseChange]), SeatsModule],
  controllers: [CoursesController, PublicCoursesController, InternalCoursesController],
  providers: [CourseService],
  exports: [CourseService],
})
export class CoursesModule {}
