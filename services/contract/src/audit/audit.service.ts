import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKey } from '@otus/common/mongo';
import type { Model } from 'mongoose';
import { AuditEvent } from './audit-event.schema';
import { type ChainCheck, checkChain, eventHash, eventId, GENESIS_HASH, storableDetails } from './audit-chain';

export interface Actor {
  actor: string;
  ip?: string;
  userAgent?: string;
}

export type AuditVerification = ChainCheck;

/** An event as the signing sheet prints it: no ip or user agent. */
export interface ChainedEventSummary {
  seq: number;
  at: Date;
  action: string;
  actor: string;
  details?: Record<string, unknown>;
}

/** The chained events up to a given one, and that one's hash: what the signing sheet binds to. */
export interface ChainExcerpt {
  events: ChainedEventSummary[];
  chainHead: string;
}

/** Each try loses only to an append that got in: ten racing writers need ten tries at most. */
const MAX_APPEND_TRIES = 20;

@Injectable()
export class AuditService {
  constructor(@InjectModel(AuditEvent.name) private readonly events: Model<AuditEvent>) {}

  /**
   * Appends to the application's chain: reads the last event, inserts the next position under
   * its own `_id`, and on losing that position to a parallel append reads again. The server
   * does not apply concurrent conditional updates of one document atomically
   * (docs/mongo-server.md); a unique `_id` insert is the guard that holds on it.
   */
  async record(
    applicationId: string,
    action: string,
    { actor, ip, userAgent }: Actor,
    details?: Record<string, unknown>,
  ): Promise<void> {
    const at = new Date();
    const stored = storableDetails(details);
    for (let tries = 1; tries <= MAX_APPEND_TRIES; tries++) {
      const last = await this.last(applicationId);
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const fields = { applicationId, seq, prevHash, actor, action, at, ip, userAgent, details: stored };
      try {
        await this.events.create({ _id: eventId(applicationId, seq), ...fields, hash: eventHash(fields) });
        return;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
    }
    throw new Error(`Audit event ${action} of ${applicationId}: no free position after ${MAX_APPEND_TRIES} tries`);
  }

  /**
   * Erasure: the trail keeps who did what and when, without the client's address, IP or browser.
   * Only the events that held any are marked; their positions are returned for the erasure's own
   * event to list (checkChain accepts a redacted event only where that list names it). Repeatable.
   */
  async redact(applicationId: string): Promise<number[]> {
    const redacted: number[] = [];
    for (const event of await this.trail(applicationId)) {
      const holds = event.ip || event.userAgent || event.details?.sentTo !== undefined;
      if (event.redacted || holds) redacted.push(event.seq ?? 0);
      if (!holds) continue;
      await this.events.updateOne(
        { _id: event._id },
        { $unset: { ip: '', userAgent: '', 'details.sentTo': '' }, $set: { redacted: true } },
      );
    }
    return redacted.filter((seq) => seq > 0);
  }

  /** Oldest first: events from before the chain (no seq) first, by time, then the chain in order. */
  async trail(applicationId: string): Promise<AuditEvent[]> {
    return this.events.find({ applicationId }).sort({ seq: 1, at: 1 }).lean();
  }

  /** Recomputes every hash and link of the application's trail; names the first broken event. */
  async verify(applicationId: string): Promise<AuditVerification> {
    return checkChain(await this.trail(applicationId));
  }

  /**
   * The chain from its start up to and including the first `action` (e.g. `contract.signed`),
   * and that event's hash. The events before a given one never change, so a repeated call
   * gives the same answer. Null when there is no such chained event, or the trail began
   * before chaining (its start is not covered): print the sheet without the list then. A
   * broken excerpt throws: a signed contract must not vouch for a trail that was altered.
   */
  async trailUpTo(applicationId: string, action: string): Promise<ChainExcerpt | null> {
    const trail = await this.trail(applicationId);
    if (trail.some((e) => typeof e.seq !== 'number')) return null;
    const end = trail.findIndex((e) => e.action === action);
    if (end < 0) return null;
    const upTo = trail.slice(0, end + 1);
    const { brokenAt } = checkChain(upTo);
    if (brokenAt) {
      throw new Error(`Audit trail of ${applicationId} is broken at seq ${brokenAt.seq}: ${brokenAt.reason}`);
    }
    return {
      events: upTo.map(({ seq, at, action, actor, details }) => ({
        seq: seq!,
        at,
        action,
        actor,
        ...(details && { details }),
      })),
      chainHead: upTo[end].hash!,
    };
  }

  /**
   * The chain's last event, found by `_id` lookups alone: positions run from 1 without gaps
   * under derived ids, so doubling and then halving finds the end in about 2·log2(n) lookups.
   * This runs on every append, and on the local Mongo-protocol server any other filter scans
   * the whole collection (docs/mongo-server.md).
   */
  private async last(applicationId: string): Promise<Pick<AuditEvent, 'seq' | 'hash'> | null> {
    const taken = async (seq: number) => (await this.events.exists({ _id: eventId(applicationId, seq) })) !== null;
    if (!(await taken(1))) return null;
    let [lo, hi] = [1, 2];
    while (await taken(hi)) [lo, hi] = [hi, hi * 2];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await taken(mid)) lo = mid;
      else hi = mid;
    }
    return this.events.findById(eventId(applicationId, lo), { seq: 1, hash: 1 }).lean();
  }
}
