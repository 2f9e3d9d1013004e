import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  backoffDelayMs,
  CONTRACT_PROCESS_KEY,
  DomainError,
  EngineClient,
  isEngineConflict,
  retrying,
  UpstreamError,
  type Backoff,
  type RetryOptions,
  type ProcessMessage,
} from '@otus/common';
import type { Model } from 'mongoose';
import { PendingMessage } from './pending-message.schema';

const POLL_EVERY_MS = 1_000;

interface Pending {
  /** The stored message's key: the application id (a decision) or `<application id>:<message>` (an announcement). */
  id: string;
  applicationId: string;
  name: string;
  variables: Record<string, unknown>;
  announcement: boolean;
}
/** A message the process is not ready for is usually taken within seconds; an engine outage can last minutes. */
const REDELIVERY: Backoff = { baseMs: 1_000, maxMs: 15_000 };
const CORRELATION_CONFLICT: RetryOptions = {
  attempts: 4,
  backoff: { baseMs: 50, maxMs: 400, jitter: 'full' },
  retryIf: isEngineConflict,
};

/**
 * Delivers the client's decisions to the process as BPMN messages. The decision is stored
 * first (the caller has done so); if the process is not waiting for it yet, or the engine is
 * away, it stays pending on the application and is delivered again until the process takes
 * it or has ended — a client's submission is never lost to timing. Each message backs off on
 * its own, so a long engine outage does not turn into a retry storm when it ends.
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
      setInterval(() => void this.retryPending(), POLL_EVERY_MS),
    );
  }

  /** A client's decision: the process waits for it, so it is delivered until taken or the process has ended. */
  async send(applicationId: string, name: ProcessMessage, variables: Record<string, unknown> = {}): Promise<void> {
    await this.store({ id: applicationId, applicationId, name, variables, announcement: false });
  }

  /**
   * A fact the process passes on (an event subprocess catches it at any time while it runs). Kept
   * apart from the decisions (own key), and dropped when the process does not catch it: it has
   * ended, or runs an older model without that event subprocess.
   */
  async announce(applicationId: string, name: ProcessMessage, variables: Record<string, unknown> = {}): Promise<void> {
    await this.store({ id: `${applicationId}:${name}`, applicationId, name, variables, announcement: true });
  }

  private async store(message: Pending): Promise<void> {
    // Not due before the attempt below has ended (it reschedules a miss): the poll must not deliver it twice.
    const claimedUntil = new Date(Date.now() + REDELIVERY.maxMs);
    const { id, applicationId, name, variables, announcement } = message;
    await this.pending.updateOne(
      { _id: id },
      {
        $set: {
          name,
          variables,
          since: new Date(),
          attempts: 0,
          nextAttemptAt: claimedUntil,
          ...(announcement && { applicationId, announcement }),
        },
      },
      { upsert: true },
    );
    await this.deliver(message);
  }

  private async deliver(message: Pending, attempts = 0): Promise<void> {
    const { id, applicationId, name, variables, announcement } = message;
    let result: 'correlated' | 'not-waiting';
    try {
      // A concurrent change of this process (a branch ending as the message comes) usually clears at
      // once: a few quick tries before it is left to the sweep's back-off.
      result = await retrying(() => this.engine.correlate(name, applicationId, variables), CORRELATION_CONFLICT);
    } catch (e) {
      // Engine away, or busy with a concurrent change of this process (optimistic locking): stays pending.
      if (e instanceof DomainError || (e instanceof UpstreamError && (e.status ?? 500) >= 500)) {
        return this.later(id, name, attempts + 1);
      }
      throw e;
    }
    if (result === 'correlated') {
      await this.pending.deleteOne({ _id: id, name });
      return;
    }
    if (announcement) {
      this.logger.log(
        { applicationId, message: name },
        'the process does not catch this announcement (ended, or an older model); dropped',
      );
      await this.pending.deleteOne({ _id: id, name });
      return;
    }
    const process = await this.engine.findByBusinessKey(CONTRACT_PROCESS_KEY, applicationId);
    if (process && process.state !== 'ACTIVE') {
      this.logger.warn({ applicationId, message: name }, 'the process ended before it took the message; dropped');
      await this.pending.deleteOne({ _id: id });
      return;
    }
    await this.later(id, name, attempts + 1);
  }

  private async later(id: string, name: string, attempts: number): Promise<void> {
    const nextAttemptAt = new Date(Date.now() + backoffDelayMs(REDELIVERY, attempts));
    await this.pending.updateOne({ _id: id, name }, { $set: { attempts, nextAttemptAt } });
  }

  private async retryPending(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    try {
      const now = new Date();
      const due = await this.pending
        .find({
          $or: [
            { nextAttemptAt: { $lte: now } },
            // Stored before messages had their own back-off.
            { nextAttemptAt: { $exists: false }, since: { $lt: now } },
          ],
        })
        .sort({ nextAttemptAt: 1 })
        .limit(50)
        .lean();
      for (const { _id, applicationId, name, variables, attempts, announcement } of due) {
        await this.deliver(
          { id: _id, applicationId: applicationId ?? _id, name, variables, announcement: announcement ?? false },
          attempts ?? 0,
        );
      }
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'retrying pending messages failed; will try again');
    } finally {
      this.retrying = false;
    }
  }
}
