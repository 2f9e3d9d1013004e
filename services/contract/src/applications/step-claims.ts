import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKey } from '@otus/common/mongo';
import type { Model } from 'mongoose';
import { StepClaim } from './step-claim.schema';

/**
 * Steps that may happen once per application (start the process, take the form, sign or
 * decline, count a code try), however many requests race for them. A step is claimed by
 * inserting a document under its id: the unique `_id` lets exactly one insert in, on MongoDB
 * and on the local Mongo-protocol server alike, which does not apply concurrent conditional
 * updates of one document atomically (docs/mongo-server.md).
 */
@Injectable()
export class StepClaims {
  constructor(@InjectModel(StepClaim.name) private readonly claims: Model<StepClaim>) {}

  /**
   * True for exactly one caller per id until it is released. With `staleAfterMs`, a claim
   * older than that belongs to a request that died and is taken over.
   */
  async claim(id: string, staleAfterMs?: number): Promise<boolean> {
    return (await this.take(id, staleAfterMs)) !== null;
  }

  /**
   * Runs `step` for the one caller holding `id` (taken over after `staleAfterMs`, its holder
   * having died); the others get `busy()` thrown. Given back afterwards, whatever the outcome —
   * only if it is still this caller's: a step that outlived `staleAfterMs` may have been taken
   * over, and must not release its successor's claim.
   */
  async holding<T>(id: string, staleAfterMs: number, busy: () => Error, step: () => Promise<T>): Promise<T> {
    const claimedAt = await this.take(id, staleAfterMs);
    if (!claimedAt) throw busy();
    try {
      return await step();
    } finally {
      await this.claims.deleteOne({ _id: id, claimedAt });
    }
  }

  /**
   * Steps `<prefix>.1` … `<prefix>.<count>` (a code's tries, the codes of an allowance): the
   * lowest free one is claimed and its number returned, or null when all are taken. Parallel
   * requests cannot take more than `count`.
   */
  async claimNext(prefix: string, count: number): Promise<number | null> {
    for (let n = 1; n <= count; n++) if (await this.claim(`${prefix}.${n}`)) return n;
    return null;
  }

  /**
   * How many of `<prefix>.1` … `<prefix>.<count>` are taken. They are taken lowest first and
   * given back (if ever) only by the request that took the highest, so the count stops at the
   * first free one: one lookup while none is taken.
   */
  async countTaken(prefix: string, count: number): Promise<number> {
    let taken = 0;
    while (taken < count && (await this.isClaimed(`${prefix}.${taken + 1}`))) taken++;
    return taken;
  }

  async isClaimed(id: string): Promise<boolean> {
    return (await this.claims.exists({ _id: id })) !== null;
  }

  async release(id: string): Promise<void> {
    await this.claims.deleteOne({ _id: id });
  }

  /**
   * Runs `step` for the one caller that claims `id`; the others get `taken()` thrown. A step
   * that fails gives the claim back, so that it can be tried again.
   */
  async once<T>(id: string, taken: () => Error, step: () => Promise<T>): Promise<T> {
    if (!(await this.claim(id))) throw taken();
    try {
      return await step();
    } catch (e) {
      await this.release(id);
      throw e;
    }
  }

  /** The claim's time when this caller took `id`, else null. */
  private async take(id: string, staleAfterMs?: number): Promise<Date | null> {
    for (;;) {
      const claimedAt = new Date();
      try {
        await this.claims.create({ _id: id, claimedAt });
        return claimedAt;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
      if (staleAfterMs === undefined) return null;
      const held = await this.claims.findById(id).lean();
      if (held && held.claimedAt.getTime() > Date.now() - staleAfterMs) return null;
      // Stale (or just released): remove exactly the claim we saw, then race for a new one.
      if (held) await this.claims.deleteOne({ _id: id, claimedAt: held.claimedAt });
    }
  }
}
