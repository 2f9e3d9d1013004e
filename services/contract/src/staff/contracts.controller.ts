import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, CurrentStaff, type Page, Roles, type StaffIdentity } from '@otus/common';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { AuditService } from '../audit/audit.service';
import { DocumentsService } from '../documents/documents.service';
import { ContractsService } from './contracts.service';
import { neutraliseFormula } from './csv-formula';
import {
  AuditEventResponse,
  AuditVerificationResponse,
  ContractPage,
  ContractSummary,
  ListContractsQuery,
} from './dto/contract.dto';
import { contractErrors } from '../contract-errors';

const CSV_COLUMNS: (keyof ContractSummary)[] = [
  'applicationId',
  'crmApplicationId',
  'courseCode',
  'clientName',
  'clientEmail',
  'clientPhone',
  'status',
  'outcome',
  'outcomeReason',
  'signedAt',
  'createdAt',
];

@ApiTags('contracts (staff)')
@ApiBearerAuth('staff')
@Roles('admin', 'manager', 'operator')
@Controller('contracts')
export class ContractsController {
  constructor(
    private readonly contracts: ContractsService,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOkResponse({ type: ContractPage })
  list(@Query() query: ListContractsQuery): Promise<Page<ContractSummary>> {
    return this.contracts.list(query);
  }

  /** UTF-8 with a BOM, so spreadsheet programs show Cyrillic names right; no cell starts a formula. */
  @Get('export.csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV with a header row', schema: { type: 'string' } })
  export(@Query() query: ListContractsQuery, @Res({ passthrough: true }) res: Response): StreamableFile {
    res.setHeader('Content-Disposition', 'attachment; filename="contracts.csv"');
    const rows = Readable.from(this.contracts.all(query));
    // Every text cell is quoted and cannot start a formula (OWASP CSV injection): quoting keeps
    // a ";" or "," inside a name from starting a new cell in a locale that splits on it.
    const csv = rows.pipe(
      stringify({
        header: true,
        columns: CSV_COLUMNS,
        bom: true,
        quoted_string: true,
        cast: { string: (value) => neutraliseFormula(value) },
      }),
    );
    return new StreamableFile(csv, { type: 'text/csv; charset=utf-8' });
  }

  @Get(':applicationId')
  @ApiOkResponse({ type: ContractSummary })
  get(@Param('applicationId') applicationId: string): Promise<ContractSummary> {
    return this.contracts.get(applicationId);
  }

  @Get(':applicationId/audit')
  @ApiOkResponse({ type: [AuditEventResponse], description: 'Oldest first; empty for an unknown id' })
  trail(@Param('applicationId') applicationId: string) {
    return this.audit.trail(applicationId);
  }

  @Get(':applicationId/audit/verification')
  @ApiOkResponse({ type: AuditVerificationResponse, description: "Recomputes the trail's hash chain" })
  @ApiNotFoundResponse({ description: 'APPLICATION_NOT_FOUND' })
  verifyAudit(@Param('applicationId') applicationId: string): Promise<AuditVerificationResponse> {
    return this.contracts.verifyAudit(applicationId);
  }

  @Get(':applicationId/documents/:kind')
  @ApiParam({ name: 'kind', enum: ['draft', 'signed'] })
  @ApiErrorResponses({ status: 410, description: "DOCUMENT_ERASED: erased with the application's personal data" })
  // The PDF type on the 200 alone: the errors are JSON.
  @ApiOkResponse({
    description: 'The PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  async document(
    @CurrentStaff() staff: StaffIdentity,
    @Param('applicationId') applicationId: string,
    @Param('kind') kind: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    if (kind !== 'draft' && kind !== 'signed') throw contractErrors.DOCUMENT_NOT_FOUND(`No ${kind} document`);
    const document = await this.documents.current(applicationId, kind);
    // Opened first: an erased document (410) is not recorded as downloaded.
    const pdf = this.documents.open(document);
    await this.audit.record(applicationId, 'document.downloaded', { actor: `staff:${staff.subject}` }, { kind });
    res.setHeader('Content-Disposition', `attachment; filename="${applicationId}-${kind}.pdf"`);
    return new StreamableFile(pdf, { type: 'application/pdf' });
  }
}
