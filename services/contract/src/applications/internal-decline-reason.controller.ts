import { Controller, Get, Param } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Internal } from '@otus/common';
import { contractErrors } from '../contract-errors';
import { ApplicationStatus } from './application.schema';
import { ApplicationsService } from './applications.service';

/**
 * For the notification service's `contract.declined` webhook: why the client declined. The text is
 * the client's own words, so it never travels through the process (its variables are history).
 */
@ApiExcludeController()
@Internal()
@Controller('internal/applications/:applicationId/decline-reason')
export class InternalDeclineReasonController {
  constructor(private readonly applications: ApplicationsService) {}

  @Get()
  async get(@Param('applicationId') applicationId: string): Promise<{ reasonCode: string; reasonText: string | null }> {
    const application = await this.applications.get(applicationId);
    if (application.status !== ApplicationStatus.Declined) {
      throw contractErrors.NOT_DECLINED(`Application ${application._id} was not declined by the client`);
    }
    // Declined before reasons had codes: the text was the reason.
    return { reasonCode: application.declineReasonCode ?? 'OTHER', reasonText: application.declineReason ?? null };
  }
}
