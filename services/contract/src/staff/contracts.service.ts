import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Page, toPage } from '@otus/common';
import type { FilterQuery, Model } from 'mongoose';
import { Application, type ApplicationDocument } from '../applications/application.schema';
import { AuditService } from '../audit/audit.service';
import type { AuditVerificationResponse, ContractSummary, ListContractsQuery } from './dto/contract.dto';
import { contractErrors } from '../contract-errors';

@Injectable()
export class ContractsService {
  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly audit: AuditService,
  ) {}

  async list(query: ListContractsQuery): Promise<Page<ContractSummary>> {
    const filter = toFilter(query);
    const [items, total] = await Promise.all([
      this.applications.find(filter).sort({ createdAt: -1 }).skip(query.skip).limit(query.pageSize),
      this.applications.countDocuments(filter),
    ]);
    return toPage(items.map(toSummary), total, query);
  }

  async get(applicationId: string): Promise<ContractSummary> {
    const application = await this.applications.findById(applicationId);
    if (!application) throw contractErrors.APPLICATION_NOT_FOUND(`No application ${applicationId}`);
    return toSummary(application);
  }

  /** Unlike the trail (empty for an unknown id), a verdict needs an application to be about. */
  async verifyAudit(applicationId: string): Promise<AuditVerificationResponse> {
    if (!(await this.applications.exists({ _id: applicationId })))
      throw contractErrors.APPLICATION_NOT_FOUND(`No application ${applicationId}`);
    return this.audit.verify(applicationId);
  }

  /** Every contract the filter selects, oldest first, a page at a time (for the CSV export). */
  async *all(query: ListContractsQuery): AsyncGenerator<ContractSummary> {
    const filter = toFilter(query);
    for (let skip = 0; ; skip += 500) {
      const batch = await this.applications.find(filter).sort({ createdAt: 1, _id: 1 }).skip(skip).limit(500);
      for (const application of batch) yield toSummary(application);
      if (batch.length < 500) return;
    }
  }
}

function toFilter({ status, courseCode, from, to, q }: ListContractsQuery): FilterQuery<Application> {
  const filter: FilterQuery<Application> = {};
  if (status) filter.status = status;
  if (courseCode) filter.courseCode = courseCode;
  if (from || to) filter.createdAt = { ...(from && { $gte: new Date(from) }), ...(to && { $lt: new Date(to) }) };
  if (q) {
    // A literal search: the user's text is escaped, never a pattern of its own.
    const pattern = new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    filter.$or = [
      { clientName: pattern },
      { fullName: pattern },
      { clientEmail: pattern },
      { crmApplicationId: pattern },
    ];
  }
  return filter;
}

export function toSummary(a: ApplicationDocument): ContractSummary {
  return {
    applicationId: a._id,
    crmApplicationId: a.crmApplicationId,
    courseCode: a.courseCode,
    clientName: a.fullName ?? a.clientName,
    clientEmail: a.clientEmail,
    clientPhone: a.clientPhone,
    status: a.status,
    outcome: a.outcome,
    outcomeReason: a.outcomeReason,
    hasDraft: Boolean(a.draftDocumentId),
    hasSigned: Boolean(a.signedDocumentId),
    signedAt: a.signature?.signedAt ? new Date(a.signature.signedAt).toISOString() : null,
    cancellation: a.cancellation
      ? {
          reasonCode: a.cancellation.reasonCode,
          reasonText: a.cancellation.reasonText,
          by: a.cancellation.by,
          at: new Date(a.cancellation.at).toISOString(),
        }
      : null,
    createdAt: a.createdAt.toISOString(),
  };
}
