import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@otus/common';
import { CourseService } from './course.service';
import { AvailabilityResponse, CourseCard } from './dto/course.dto';

/** What a prospective student may see: the course card and whether seats are left. */
@ApiTags('public')
@Public()
@Controller('public/courses')
export class PublicCoursesController {
  constructor(private readonly courses: CourseService) {}

  @Get(':code')
  @ApiOkResponse({ type: CourseCard })
  card(@Param('code') code: string): Promise<CourseCard> {
    return this.courses.card(code);
  }

  @Get(':code/availability')
  @ApiOkResponse({ type: AvailabilityResponse })
  availability(@Param('code') code: string): Promise<AvailabilityResponse> {
    return this.courses.publicAvailability(code);
  }
}
