import { Controller, Get, Param, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Public } from '@otus/common';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service';
import { requestActor } from '../audit/request-actor';
import { DocumentsService } from './documents.service';
import { DownloadLinks } from './download-links.service';

/**
 * The signed contract behind the short-lived URL of a `contract.signed` webhook: the token is the
 * credential (256 random bits, rate-limited per address at the gateway). Each download is audited.
 */
@ApiTags('documents (CRM)')
@Public()
@Controller('public/documents')
export class PublicDocumentsController {
  constructor(
    private readonly downloadLinks: DownloadLinks,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
  ) {}

  @Get(':token')
  @ApiOperation({ summary: 'The signed contract from a webhook download URL (works for CONTRACT_DOWNLOAD_LINK_TTL)' })
  @ApiParam({ name: 'token', description: 'From data.signedDocumentUrl of contract.signed' })
  // The PDF's type on the 200 alone: the error answers are JSON (an operation-wide produces would say PDF).
  @ApiOkResponse({
    description: 'The signed PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiErrorResponses({ status: 410, description: 'DOWNLOAD_LINK_INVALID: unknown or expired' }, 429)
  async download(
    @Param('token') token: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const document = await this.downloadLinks.open(token);
    const pdf = this.documents.open(document);
    await this.audit.record(document.applicationId, 'document.downloaded', requestActor('download-link', req), {
      kind: 'signed',
    });
    res.setHeader('Content-Disposition', `attachment; filename="${document.applicationId}-signed.pdf"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    return new StreamableFile(pdf, { type: 'application/pdf' });
  }
}
