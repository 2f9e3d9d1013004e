import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, CurrentStaff, Roles, SECURITY, type StaffIdentity } from '@otus/common';
import type { Request } from 'express';
import { ApplicationsService, toResponse } from '../applications/applications.service';
import { ApplicationResponse } from '../applications/dto/application.dto';
import { requestActor } from '../audit/request-actor';
import { CancelApplicationDto } from './dto/lifecycle.dto';
import { LifecycleService } from './lifecycle.service';

/** The CRM steers its own applications (its API key; another CRM's id is unknown here): cancel, a new link. */
@ApiTags('applications (CRM)')
@ApiSecurity(SECURITY.crm)
@Roles('crm')
@Controller('applications/:crmApplicationId')
export class CrmLifecycleController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly lifecycle: LifecycleService,
  ) {}

  @Post('cancel')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: ApplicationResponse,
    description:
      'Cancelled (a repeat answers the same): status CANCELLED, outcome CANCELLED once the process has ended',
  })
  @ApiErrorResponses(
    { status: 404, description: 'APPLICATION_NOT_FOUND' },
    { status: 409, description: 'CONTRACT_SIGNED, APPLICATION_ENDED, APPLICATION_CHANGED' },
    { status: 503, description: 'ENGINE_UNAVAILABLE: nothing changed, try again' },
  )
  async cancel(
    @Param('crmApplicationId') crmApplicationId: string,
    @Body() dto: CancelApplicationDto,
    @CurrentStaff() crm: StaffIdentity,
    @Req() req: Request,
  ): Promise<ApplicationResponse> {
    const application = await this.applications.withOutcome(
      await this.applications.ofCrm(crm.subject, crmApplicationId),
    );
    return toResponse(await this.lifecycle.cancel(application, dto, 'crm', requestActor(`crm:${crm.subject}`, req)));
  }

  @Post('reissue-link')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'A new link is being e-mailed to the client; the old one no longer opens' })
  @ApiErrorResponses(
    { status: 404, description: 'APPLICATION_NOT_FOUND' },
    { status: 409, description: 'NOT_AWAITING_CLIENT, CONTRACT_SIGNED, APPLICATION_ENDED' },
    { status: 503, description: 'ENGINE_UNAVAILABLE: nothing changed, try again' },
  )
  async reissueLink(
    @Param('crmApplicationId') crmApplicationId: string,
    @CurrentStaff() crm: StaffIdentity,
    @Req() req: Request,
  ): Promise<void> {
    const application = await this.applications.withOutcome(
      await this.applications.ofCrm(crm.subject, crmApplicationId),
    );
    await this.lifecycle.reissueLink(application, requestActor(`crm:${crm.subject}`, req));
  }
}
