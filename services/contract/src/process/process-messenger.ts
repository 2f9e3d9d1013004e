import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DomainError, EngineClient, EngineRejection, CONTRACT_PROCESS_KEY, type ProcessMessage } from '@otus/common';
import type { Model } from 'mongoose';
import { PendingMessage } from './pending-message.schema';

const RETRY_EVERY_MS = 2_000;

/**
 * Delivers the client's decisions to the process as BPMN messages. The decision is stored
 * first (the caller has done so); if the process is not waiting for it yet, or the engine is
 * away, it stays pending on the application and is delivered again until the process takes
 * it or has ended — a client's submission is never lost to timing.
 */
@Injectable()
export class ProcessMessenger implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProcessMessenger.name);
  private retrying = false;

  constructor(
    @InjectModel(PendingMessage.name) private readonly pending: Model<PendingMessage>,
    private readonly engine: EngineClient,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      'deliver-pending-messages',
      setInterval(() => void this.retryPending(), RETRY_EVERY_MS),
    );
  }

  async send(applicationId: string, name: ProcessMessage, variables: Record<string, unknown> = {}): Promise<void> {
    await this.pending.updateOne(
      { _id: applicationId },
      { $set: { name, variables, since: new Date() } },
      { upsert: true },
    );
    await this.deliver(applicationId, name, variables);
  }

  private async deliver(applicationId: string, name: string, variables: Record<string, unknown>): Promise<void> {
    let result: 'correlated' | 'not-waiting';
    try {
      result = await this.engine.correlate(name, applicationId, variables);
    } catch (e) {
      // Engine away, or busy with a concurrent change of this process (optimistic locking): stays pending.
      if (e instanceof DomainError || (e instanceof EngineRejection && e.status >= 500)) return;
      throw e;
    }
    if (result === 'correlated') {
      await this.pending.deleteOne({ _id: applicationId, name });
      return;
    }
    const process = await this.engine.findByBusinessKey(CONTRACT_PROCESS_KEY, applicationId);
    if (process && process.state !== 'ACTIVE') {
      this.logger.warn({ applicationId, message: name }, 'the process ended before it took the message; dropped');
      await this.pending.deleteOne({ _id: applicationId });
    }
  }

  private async retryPending(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      const due = await this.pending
        .find({ since: { $lt: new Date(Date.now() - RETRY_EVERY_MS) } })
        .limit(50)
        .lean();
      for (const { _id, name, variables } of due) await this.deliver(_id, name, variables);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'retrying pending messages failed; will try again');
    } finally {
      this.retrying = false;
    }
  }
}
