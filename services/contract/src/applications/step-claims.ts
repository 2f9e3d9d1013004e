import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKey } from '@otus/common/mongo';
import type { Model } from 'mongoose';
import { StepClaim } from './step-claim.schema';

/**
 * A use claimed before allowances were counters: `<id>.code-sent.<round>.<n>`,
 * `<id>.code-try.<message>.<n>`, `<id>.correction.<n>`, `<id>.link-renewal.<self|school>.<n>`.
 */
const LEGACY_USE = /\.(code-sent\.\d+|code-try\.[^.]+|correction|link-renewal\.(self|school))\.\d+$/;

/**
 * Steps that may happen once per application (start the process, take the form, sign or
 * decline), however many requests race for them, and allowances counted up to a limit (a
 * code's tries, the codes sent, the corrections). A step is claimed by inserting a document
 * under its id: the unique `_id` lets exactly one insert in. An allowance is one counter
 * document, taken by a conditional `$inc` (`taken < limit`), so parallel requests never take
 * more than the limit and counting it is one read.
 */
@Injectable()
export class StepClaims implements OnModuleInit {
  private readonly logger = new Logger(StepClaims.name);

  constructor(@InjectModel(StepClaim.name) private readonly claims: Model<StepClaim>) {}

  /**
   * A database from before the counters holds one claim per use, `<counter>.1` … `<counter>.<n>`:
   * each such set becomes its counter, so an upgrade gives nobody their allowance again. Once done,
   * this finds nothing.
   */
  async onModuleInit(): Promise<void> {
    const legacy = await this.claims.find({ _id: { $regex: LEGACY_USE } }, { _id: 1 }).lean();
    const uses = new Map<string, number>();
    for (const { _id } of legacy) {
      const counter = _id.replace(/\.\d+$/, '');
      uses.set(counter, (uses.get(counter) ?? 0) + 1);
    }
    for (const [counter, taken] of uses) {
      if (taken > (await this.countTaken(counter))) {
        await this.claims.updateOne(
          { _id: counter },
          { $set: { taken }, $setOnInsert: { claimedAt: new Date() } },
          { upsert: true },
        );
      }
    }
    if (legacy.length) {
      await this.claims.deleteMany({ _id: { $in: legacy.map((c) => c._id) } });
      this.logger.log({ claims: legacy.length, counters: uses.size }, 'counted the uses of the old step claims');
    }
  }

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
   * One of the `limit` uses of `counter` (a code's tries, the codes of an allowance): its number
   * (1…limit), or null when all are taken. Parallel requests cannot take more than `limit`.
   */
  async claimNext(counter: string, limit: number): Promise<number | null> {
    // The first use creates the counter; an upsert that loses the race to create it (or finds
    // it full) is refused as a duplicate, and the plain conditional update then decides.
    for (const upsert of [true, false]) {
      try {
        const counted = await this.claims
          .findOneAndUpdate(
            { _id: counter, taken: { $lt: limit } },
            { $inc: { taken: 1 }, $setOnInsert: { claimedAt: new Date() } },
            { upsert, new: true },
          )
          .lean();
        return counted?.taken ?? null;
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
      }
    }
    return null;
  }

  /** How many uses of `counter` are taken. */
  async countTaken(counter: string): Promise<number> {
    return (await this.claims.findById(counter, { taken: 1 }).lean())?.taken ?? 0;
  }

  /** Gives back one use of `counter`, taken by a step that then failed. */
  async giveBack(counter: string): Promise<void> {
    await this.claims.updateOne({ _id: counter, taken: { $gt: 0 } }, { $inc: { taken: -1 } });
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
