import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, type Page, Roles } from '@otus/common';
import { CourseService } from './course.service';
import { CoursePage, CourseResponse, CreateCourseDto, ListCoursesQuery, UpdateCourseDto } from './dto/course.dto';

@ApiTags('courses')
@ApiBearerAuth('staff')
@Controller('courses')
export class CoursesController {
  constructor(private readonly courses: CourseService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: CourseResponse })
  @ApiErrorResponses({ status: 409, description: 'COURSE_CODE_TAKEN' })
  create(@Body() dto: CreateCourseDto): Promise<CourseResponse> {
    return this.courses.create(dto);
  }

  @Get()
  @Roles('admin', 'manager', 'operator')
  @ApiOkResponse({ type: CoursePage })
  list(@Query() query: ListCoursesQuery): Promise<Page<CourseResponse>> {
    return this.courses.list(query);
  }

  @Get(':id')
  @Roles('admin', 'manager', 'operator')
  @ApiOkResponse({ type: CourseResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<CourseResponse> {
    return this.courses.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: CourseResponse })
  @ApiErrorResponses({ status: 409, description: 'COURSE_CODE_TAKEN, or CAPACITY_BELOW_TAKEN' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCourseDto): Promise<CourseResponse> {
    return this.courses.update(id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrorResponses({ status: 409, description: 'COURSE_HAS_SEAT_HOLDS: close the course instead' })
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.courses.remove(id);
  }
}
