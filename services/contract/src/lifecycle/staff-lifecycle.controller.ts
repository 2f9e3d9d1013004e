import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, CurrentStaff, Roles, type StaffIdentity } from '@otus/common';
import type { Request } from 'express';
import { ApplicationsService } from '../applications/applications.service';
import { requestActor } from '../audit/request-actor';
import { ContractSummary } from '../staff/dto/contract.dto';
import { toSummary } from '../staff/contracts.service';
import { CancelApplicationDto, ExtendDeadlineDto, DeadlineChangeResponse } from './dto/lifecycle.dto';
import { LifecycleService } from './lifecycle.service';

/** Staff who run enrolment steer an application: cancel it, or give the client more time. */
@ApiTags('contracts (staff)')
@ApiBearerAuth('staff')
@Roles('admin', 'manager')
@Controller('contracts/:applicationId')
export class StaffLifecycleController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly lifecycle: LifecycleService,
  ) {}

  @Post('cancel')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: ContractSummary,
    description: 'Cancelled: status CANCELLED now, outcome CANCELLED once the process has released seat and promo',
  })
  @ApiErrorResponses(
    { status: 404, description: 'APPLICATION_NOT_FOUND' },
    {
      status: 409,
      description:
        'CONTRACT_SIGNED: the client signed (terminating a contract is a different act); APPLICATION_ENDED; APPLICATION_CHANGED: a signature came first',
    },
    { status: 503, description: 'ENGINE_UNAVAILABLE: nothing changed, try again' },
  )
  async cancel(
    @Param('applicationId') applicationId: string,
    @Body() dto: CancelApplicationDto,
    @CurrentStaff() staff: StaffIdentity,
    @Req() req: Request,
  ): Promise<ContractSummary> {
    const application = await this.applications.withOutcome(await this.applications.get(applicationId));
    return toSummary(
      await this.lifecycle.cancel(application, dto, 'staff', requestActor(`staff:${staff.subject}`, req)),
    );
  }

  @Post('extend')
  @HttpCode(200)
  @ApiOkResponse({
    type: DeadlineChangeResponse,
    description: 'The deadline moved; the client is e-mailed the new date',
  })
  @ApiErrorResponses(
    { status: 404, description: 'APPLICATION_NOT_FOUND' },
    {
      status: 409,
      description:
        'NOT_AWAITING_CLIENT: neither the form nor a signature is awaited; CONTRACT_SIGNED; APPLICATION_ENDED (also when the deadline passed a moment ago); APPLICATION_CHANGED: another change of this deadline came first',
    },
    {
      status: 422,
      description:
        "DEADLINE_OUT_OF_RANGE: not later than now and the current deadline, or after the course's enrolment deadline or start",
    },
    { status: 503, description: 'ENGINE_UNAVAILABLE: nothing changed, try again' },
  )
  async extend(
    @Param('applicationId') applicationId: string,
    @Body() dto: ExtendDeadlineDto,
    @CurrentStaff() staff: StaffIdentity,
    @Req() req: Request,
  ): Promise<DeadlineChangeResponse> {
    const application = await this.applications.withOutcome(await this.applications.get(applicationId));
    return this.lifecycle.extend(application, new Date(dto.until), requestActor(`staff:${staff.subject}`, req));
  }

  @Post('reissue-link')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'A new link is being e-mailed to the client; the old one no longer opens' })
  @ApiErrorResponses(
    { status: 404, description: 'APPLICATION_NOT_FOUND' },
    {
      status: 409,
      description:
        'NOT_AWAITING_CLIENT: neither the form nor a signature is awaited; CONTRACT_SIGNED; APPLICATION_ENDED',
    },
    { status: 503, description: 'ENGINE_UNAVAILABLE: nothing changed, try again' },
  )
  async reissueLink(
    @Param('applicationId') applicationId: string,
    @CurrentStaff() staff: StaffIdentity,
    @Req() req: Request,
  ): Promise<void> {
    const application = await this.applications.withOutcome(await this.applications.get(applicationId));
    await this.lifecycle.reissueLink(application, requestActor(`staff:${staff.subject}`, req));
  }
}
