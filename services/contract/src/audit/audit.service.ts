import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { AuditEvent } from './audit-event.schema';

export interface Actor {
  actor: string;
  ip?: string;
  userAgent?: string;
}

@Injectable()
export class AuditService {
  constructor(@InjectModel(AuditEvent.name) private readonly events: Model<AuditEvent>) {}

  async record(
    applicationId: string,
    action: string,
    { actor, ip, userAgent }: Actor,
    details?: Record<string, unknown>,
  ) {
    await this.events.create({ applicationId, action, actor, ip, userAgent, details, at: new Date() });
  }

  async trail(applicationId: string): Promise<AuditEvent[]> {
    return this.events.find({ applicationId }).sort({ at: 1 }).lean();
  }
}
