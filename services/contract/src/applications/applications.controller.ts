import { Body, Controller, Get, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, type StaffIdentity } from '@otus/common';
import type { Response } from 'express';
import { ApplicationsService } from './applications.service';
import { ApplicationResponse, CreateApplicationDto } from './dto/application.dto';

/** The CRM's door: the gateway trades its API key for a token with role `crm`. */
@ApiTags('applications (CRM)')
@ApiBearerAuth('staff')
@Roles('crm')
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @ApiCreatedResponse({ type: ApplicationResponse, description: 'Created (201), or the same application again (200)' })
  async create(
    @CurrentStaff() crm: StaffIdentity,
    @Body() dto: CreateApplicationDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApplicationResponse> {
    const { created, response } = await this.applications.intake(crm.subject, dto);
    res.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return response;
  }

  @Get(':crmApplicationId')
  @ApiOkResponse({ type: ApplicationResponse })
  get(@CurrentStaff() crm: StaffIdentity, @Param('crmApplicationId') id: string): Promise<ApplicationResponse> {
    return this.applications.forCrm(crm.subject, id);
  }
}
