import { Controller, Get, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Internal } from '@otus/common';
import { CourseService } from './course.service';
import type { StaffRecipientsResponse } from './dto/course.dto';

/** For the notification service: who of the school's staff hears of a course's applications, read when it sends. */
@ApiExcludeController()
@Internal()
@Controller('internal/courses')
export class InternalCoursesController {
  constructor(private readonly courses: CourseService) {}

  @Get(':code/staff-recipients')
  staffRecipients(@Param('code') code: string): Promise<StaffRecipientsResponse> {
    return this.courses.staffRecipients(code);
  }
}
