import { Body, Controller, Get, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Roles, SECURITY, type StaffIdentity } from '@otus/common';
import type { Response } from 'express';
import { ApplicationsService } from './applications.service';
import { ApplicationResponse, CreateApplicationDto } from './dto/application.dto';

/** The CRM's door: the gateway trades its API key for a token with role `crm`. */
@ApiTags('applications (CRM)')
// The CRM sends X-Api-Key; the gateway trades it for the bearer token this service checks.
@ApiSecurity(SECURITY.crm)
@Roles('crm')
@Controller('applications')
export class ApplicationsController {
  constructor(private readonly applications: ApplicationsService) {}

  @Post()
  @ApiCreatedResponse({ type: ApplicationResponse, description: 'Created' })
  @ApiOkResponse({
    type: ApplicationResponse,
    description: 'The same application again: this crmApplicationId was posted before',
  })
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
