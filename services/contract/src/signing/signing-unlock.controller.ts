import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, CurrentStaff, Roles, type StaffIdentity } from '@otus/common';
import type { Request } from 'express';
import { ApplicationsService } from '../applications/applications.service';
import { requestActor } from '../audit/request-actor';
import { SigningService } from './signing.service';

/** Staff give a client whose signing locked (too many codes or wrong tries) another allowance of codes. */
@ApiTags('contracts (staff)')
@ApiBearerAuth('staff')
@Roles('admin', 'manager', 'operator')
@Controller('contracts/:applicationId/signing')
export class SigningUnlockController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly signing: SigningService,
  ) {}

  @Post('unlock')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Unlocked: the client may ask for new codes' })
  @ApiErrorResponses(
    { status: 404, description: 'APPLICATION_NOT_FOUND' },
    { status: 409, description: 'SIGNING_NOT_LOCKED, or APPLICATION_NOT_SIGNABLE: no draft awaits a signature' },
  )
  async unlock(
    @Param('applicationId') applicationId: string,
    @CurrentStaff() staff: StaffIdentity,
    @Req() req: Request,
  ): Promise<void> {
    const application = await this.applications.get(applicationId);
    await this.signing.unlock(application, requestActor(`staff:${staff.subject}`, req));
  }
}
