import { Controller, Get, Param, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, CurrentStaff, Roles, SECURITY, type StaffIdentity } from '@otus/common';
import type { Request, Response } from 'express';
import { ApplicationsService, toResponse } from '../applications/applications.service';
import { AuditService } from '../audit/audit.service';
import { requestActor } from '../audit/request-actor';
import { DocumentsService } from '../documents/documents.service';
import { TimelineResponse } from './dto/timeline.dto';

/**
 * What the CRM keeps of its own applications (its API key; another CRM's id is unknown here):
 * the signed contract and the timeline of events. Nothing personal beyond what the PDF holds.
 */
@ApiTags('applications (CRM)')
@ApiSecurity(SECURITY.crm)
@Roles('crm')
@Controller('applications/:crmApplicationId')
export class CrmRecordsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
  ) {}

  @Get('documents/signed')
  @ApiOperation({ summary: 'The signed contract (PDF, sealed by the school)' })
  // The PDF's type on the 200 alone: the error answers are JSON (an operation-wide produces would say PDF).
  @ApiOkResponse({
    description: 'The signed PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrorResponses(
    { status: 404, description: 'APPLICATION_NOT_FOUND, DOCUMENT_NOT_FOUND (not signed yet)' },
    { status: 410, description: "DOCUMENT_ERASED: erased with the application's personal data (past retention)" },
  )
  async signed(
    @Param('crmApplicationId') crmApplicationId: string,
    @CurrentStaff() crm: StaffIdentity,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const application = await this.applications.ofCrm(crm.subject, crmApplicationId);
    const document = await this.documents.current(application._id, 'signed');
    const pdf = this.documents.open(document);
    await this.audit.record(application._id, 'document.downloaded', requestActor(`crm:${crm.subject}`, req), {
      kind: 'signed',
    });
    res.setHeader('Content-Disposition', `attachment; filename="${crmApplicationId}-signed.pdf"`);
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(pdf, { type: 'application/pdf' });
  }

  @Get('timeline')
  @ApiOperation({ summary: 'The status and every event of the application, oldest first (its audit chain)' })
  @ApiOkResponse({ type: TimelineResponse })
  @ApiErrorResponses({ status: 404, description: 'APPLICATION_NOT_FOUND' })
  async timeline(
    @Param('crmApplicationId') crmApplicationId: string,
    @CurrentStaff() crm: StaffIdentity,
  ): Promise<TimelineResponse> {
    const application = await this.applications.withOutcome(
      await this.applications.ofCrm(crm.subject, crmApplicationId),
    );
    const trail = await this.audit.trail(application._id);
    return {
      ...toResponse(application),
      // Who, by kind only: staff accounts and CRM ids are not the CRM's business, addresses and browsers neither.
      events: trail.map((e) => ({
        seq: e.seq ?? null,
        at: new Date(e.at).toISOString(),
        action: e.action,
        by: e.actor.split(':')[0],
      })),
    };
  }
}
