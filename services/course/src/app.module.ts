import { Module } from '@nestjs/common';
import { platformModules } from '@otus/common';
import { postgresDatabase } from '@otus/common/postgres';
import { courseEnv } from './config';
import { CourseChangeDeliveryModule } from './course-changes/course-change-delivery.module';
import { CoursesModule } from './courses/courses.module';
import { MentorsModule } from './mentors/mentors.module';
import { migrations } from './migrations';
import { CourseWorkerModule } from './worker/course-worker.module';

@Module({
  imports: [
    ...platformModules({
      service: 'course',
      env: courseEnv,
      database: postgresDatabase({ urlVariable: 'COURSE_DB_URL', migrations }),
    }),
    CoursesModule,
    MentorsModule,
    CourseWorkerModule,
    CourseChangeDeliveryModule,
  ],
})
export class AppModule {}
