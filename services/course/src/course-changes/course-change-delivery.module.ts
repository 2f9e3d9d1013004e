import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { EngineModule } from '@otus/common';
import { CourseChangeDelivery } from './course-change-delivery.service';

/** The loop that sends queued course changes to the engine; the application's only, not the service specs'. */
@Module({
  imports: [EngineModule, ScheduleModule.forRoot()],
  providers: [CourseChangeDelivery],
})
export class CourseChangeDeliveryModule {}
