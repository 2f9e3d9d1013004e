import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Internal, maskEmail } from '@otus/common';
import { AuditService } from '../audit/audit.service';
import { ApplicationsService } from './applications.service';
import { RecordProcessEventDto } from './dto/process-event.dto';
import { StepClaims } from './step-claims';

/**
 * For the notification service: the steps it carries out for an application (the link e-mail
 * went out) join the application's audit chain, so the signing sheet and the chain check show
 * them beside the client's own actions.
 */
@ApiExcludeController()
@Internal()
@Controller('internal/applications/:applicationId/process-events')
export class InternalProcessEventsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly claims: StepClaims,
    private readonly audit: AuditService,
  ) {}

  /** Once per `eventKey`: a task retried after its e-mail went out reports again and records nothing new. */
  @Post()
  @HttpCode(204)
  async record(@Param('applicationId') applicationId: string, @Body() dto: RecordProcessEventDto): Promise<void> {
    const application = await this.applications.get(applicationId);
    const details = dto.sentTo ? { sentTo: maskEmail(dto.sentTo) } : undefined;
    const claimId = `${application._id}.event.${dto.eventKey}`;
    if (!(await this.claims.claim(claimId))) return;
    try {
      await this.audit.record(application._id, dto.action, { actor: 'system' }, details);
    } catch (e) {
      await this.claims.release(claimId);
      throw e;
    }
  }
}
