import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type Page, Roles } from '@otus/common';
import { CreateMentorDto, ListMentorsQuery, MentorPage, MentorResponse, UpdateMentorDto } from './dto/mentor.dto';
import { MentorService } from './mentor.service';

@ApiTags('mentors')
@ApiBearerAuth('staff')
@Controller('mentors')
export class MentorsController {
  constructor(private readonly mentors: MentorService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: MentorResponse })
  create(@Body() dto: CreateMentorDto): Promise<MentorResponse> {
    return this.mentors.create(dto);
  }

  @Get()
  @Roles('admin', 'manager', 'operator')
  @ApiOkResponse({ type: MentorPage })
  list(@Query() query: ListMentorsQuery): Promise<Page<MentorResponse>> {
    return this.mentors.list(query);
  }

  @Get(':id')
  @Roles('admin', 'manager', 'operator')
  @ApiOkResponse({ type: MentorResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<MentorResponse> {
    return this.mentors.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: MentorResponse })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateMentorDto): Promise<MentorResponse> {
    return this.mentors.update(id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.mentors.remove(id);
  }
}
