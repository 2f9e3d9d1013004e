import type { Model } from 'mongoose';
import { eventHash, GENESIS_HASH, storableDetails } from './audit-chain';
import type { AuditEvent } from './audit-event.schema';
import { AuditService } from './audit.service';

type Stored = AuditEvent & Record<string, unknown>;

/** Just enough of a collection: a unique `_id`, and a turn of the event loop per call so that appends race. */
class FakeEvents {
  readonly docs = new Map<string, Stored>();
  failNextCreate?: unknown;

  async create(doc: Stored) {
    await new Promise(setImmediate);
    if (this.failNextCreate) throw this.failNextCreate;
    if (this.docs.has(doc._id)) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
    this.docs.set(doc._id, clone(doc));
  }

  find({ applicationId }: { applicationId: string }) {
    const all = () => [...this.docs.values()].filter((d) => d.applicationId === applicationId);
    return {
      sort: () => ({
        lean: async () => {
          await new Promise(setImmediate);
          return all()
            .sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1) || a.at.getTime() - b.at.getTime())
            .map(clone);
        },
      }),
    };
  }

  async updateOne({ _id }: { _id: string }, update: { $unset: Record<string, ''>; $set: Record<string, unknown> }) {
    await new Promise(setImmediate);
    const doc = this.docs.get(_id);
    if (!doc) return;
    for (const path of Object.keys(update.$unset)) {
      const [head, tail] = path.split('.');
      if (tail) delete (doc[head] as Record<string, unknown> | undefined)?.[tail];
      else delete doc[head];
    }
    Object.assign(doc, update.$set);
  }

  async exists({ _id }: { _id: string }) {
    await new Promise(setImmediate);
    return this.docs.has(_id) ? { _id } : null;
  }

  findById(id: string) {
    return {
      lean: async () => {
        await new Promise(setImmediate);
        const doc = this.docs.get(id);
        return doc ? clone(doc) : null;
      },
    };
  }
}

/** A copy as the driver would store and read it: undefined fields left out, `at` a Date of this realm. */
const clone = (doc: Stored): Stored => ({ ...JSON.parse(JSON.stringify(doc)), at: new Date(doc.at) });

const APP = '3f2a9c1b-5d7e-4a8b-9c0d-1e2f3a4b5c6d';
const client = { actor: 'client', ip: '203.0.113.7', userAgent: 'Firefox' };

describe('AuditService', () => {
  let events: FakeEvents;
  let audit: AuditService;

  beforeEach(() => {
    events = new FakeEvents();
    audit = new AuditService(events as unknown as Model<AuditEvent>);
  });

  const stored = (seq: number) => events.docs.get(`${APP}.${String(seq).padStart(6, '0')}`)!;

  it('chains parallel appends into one unbroken sequence', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => audit.record(APP, 'document.viewed', client, { kind: 'draft', n: i })),
    );
    const trail = await audit.trail(APP);
    expect(trail.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(trail.map((e) => e._id)).toContain(`${APP}.000010`);
    expect(trail[0]!.prevHash).toBe(GENESIS_HASH);
    trail.slice(1).forEach((e, i) => expect(e.prevHash).toBe(trail[i]!.hash));
    expect(new Set(trail.map((e) => (e.details as { n: number }).n)).size).toBe(10);
    expect(await audit.verify(APP)).toEqual({ valid: true, events: 10, unchained: 0 });
  });

  it('finds the end of a long chain by its ids, past every power of two', async () => {
    for (let i = 0; i < 37; i++) await audit.record(APP, 'document.viewed', client, { n: i });
    expect((await audit.trail(APP)).map((e) => e.seq)).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
    expect(await audit.verify(APP)).toEqual({ valid: true, events: 37, unchained: 0 });
  });

  it('hashes what it stores, whatever the key order, with absent fields as null', async () => {
    await audit.record(APP, 'signing-code.sent', { actor: 'client' }, { z: 1, a: { y: 2, b: undefined } });
    const first = stored(1);
    expect(first.details).toEqual({ a: { y: 2 }, z: 1 });
    expect(first.ip).toBeUndefined();
    const fields = { ...first, details: { z: 1, a: { y: 2 } }, ip: null, userAgent: undefined };
    expect(eventHash(fields as never)).toBe(first.hash);
    expect(storableDetails({ at: new Date('2026-01-02T03:04:05.000Z') })).toEqual({ at: '2026-01-02T03:04:05.000Z' });
  });

  it('names an event whose stored fields were changed', async () => {
    for (const action of ['application.created', 'client-data.submitted', 'draft.generated']) {
      await audit.record(APP, action, client);
    }
    stored(2).action = 'contract.declined';
    expect(await audit.verify(APP)).toEqual({
      valid: false,
      events: 3,
      unchained: 0,
      brokenAt: { seq: 2, eventId: `${APP}.000002`, reason: 'HASH_MISMATCH' },
    });
  });

  it('names the next event when a changed one was given a fresh hash', async () => {
    for (const action of ['application.created', 'client-data.submitted', 'draft.generated']) {
      await audit.record(APP, action, client);
    }
    const second = stored(2);
    second.details = { forged: true };
    second.hash = eventHash(second as never);
    expect((await audit.verify(APP)).brokenAt).toEqual({
      seq: 3,
      eventId: `${APP}.000003`,
      reason: 'PREV_HASH_MISMATCH',
    });
  });

  describe('after erasure (redacted events)', () => {
    /** As PersonalDataEraser does it: redact, then the erasure's own event lists what was redacted. */
    const erase = async () => {
      const redacted = await audit.redact(APP);
      await audit.record(APP, 'personal-data.erased', { actor: 'staff:1' }, { trigger: 'request', redacted });
      return redacted;
    };

    it('still verifies: the links between the kept hashes are checked, and events after it chain on', async () => {
      await audit.record(APP, 'application.created', { actor: 'crm:1' });
      await audit.record(APP, 'signing-code.sent', client, { sentTo: 'i***@example.test' });
      expect(await erase()).toEqual([2]);
      expect(await audit.verify(APP)).toEqual({ valid: true, events: 3, unchained: 0 });
      expect(stored(2)).not.toHaveProperty('ip');
      expect(stored(2).details).toEqual({});
      // The event without personal data was not touched: its hash is still checked in full.
      expect(stored(1)).not.toHaveProperty('redacted');
    });

    it('refuses an event marked redacted that the erasure does not name, so the mark hides no edit', async () => {
      await audit.record(APP, 'application.created', { actor: 'crm:1' });
      await audit.record(APP, 'signing-code.sent', client, { sentTo: 'i***@example.test' });
      await erase();
      stored(1).redacted = true;
      stored(1).action = 'application.cancelled';
      expect((await audit.verify(APP)).brokenAt).toMatchObject({ seq: 1, reason: 'HASH_MISMATCH' });
    });

    it('still names a re-linked or removed event', async () => {
      for (const action of ['application.created', 'client-data.submitted', 'draft.generated']) {
        await audit.record(APP, action, client);
      }
      await erase();
      stored(2).prevHash = 'f'.repeat(64);
      expect((await audit.verify(APP)).brokenAt).toMatchObject({ seq: 2, reason: 'PREV_HASH_MISMATCH' });
      events.docs.delete(`${APP}.000002`);
      expect((await audit.verify(APP)).brokenAt).toMatchObject({ seq: 3, reason: 'SEQ_GAP' });
    });
  });

  it('names the event after a removed one', async () => {
    for (const action of ['application.created', 'client-data.submitted', 'draft.generated', 'document.viewed']) {
      await audit.record(APP, action, client);
    }
    events.docs.delete(`${APP}.000002`);
    expect((await audit.verify(APP)).brokenAt).toEqual({ seq: 3, eventId: `${APP}.000003`, reason: 'SEQ_GAP' });
    events.docs.delete(`${APP}.000001`);
    expect((await audit.verify(APP)).brokenAt).toMatchObject({ seq: 3, reason: 'SEQ_GAP' });
  });

  it('counts events from before the chain apart and starts the chain after them', async () => {
    events.docs.set('legacy-1', { _id: 'legacy-1', applicationId: APP, actor: 'system', action: 'x', at: new Date(0) });
    expect(await audit.verify(APP)).toEqual({ valid: true, events: 0, unchained: 1 });
    await audit.record(APP, 'document.viewed', client);
    expect(stored(1).prevHash).toBe(GENESIS_HASH);
    expect(await audit.verify(APP)).toEqual({ valid: true, events: 1, unchained: 1 });
    expect(await audit.trailUpTo(APP, 'document.viewed')).toBeNull();
  });

  it('gives up after a bounded number of lost races, and passes other errors on', async () => {
    const always = new AuditService({
      exists: async () => null,
      create: async () => {
        throw Object.assign(new Error('E11000'), { code: 11000 });
      },
    } as unknown as Model<AuditEvent>);
    await expect(always.record(APP, 'x', client)).rejects.toThrow(/no free position after 20 tries/);
    events.failNextCreate = new Error('connection reset');
    await expect(audit.record(APP, 'x', client)).rejects.toThrow('connection reset');
  });

  describe('trailUpTo', () => {
    beforeEach(async () => {
      await audit.record(APP, 'application.created', { actor: 'crm:c1' });
      await audit.record(APP, 'signing-code.sent', client, { sentTo: 'i***@example.org', messageId: 'm1' });
      await audit.record(APP, 'contract.signed', client, { draftSha256: 'a'.repeat(64) });
      await audit.record(APP, 'document.viewed', client, { kind: 'signed' });
    });

    it('gives the events up to the first such action, without ip or user agent, and its hash', async () => {
      const excerpt = (await audit.trailUpTo(APP, 'contract.signed'))!;
      expect(excerpt.events.map((e) => [e.seq, e.action])).toEqual([
        [1, 'application.created'],
        [2, 'signing-code.sent'],
        [3, 'contract.signed'],
      ]);
      expect(excerpt.events[1]).toEqual({
        seq: 2,
        at: expect.any(Date),
        action: 'signing-code.sent',
        actor: 'client',
        details: { sentTo: 'i***@example.org', messageId: 'm1' },
      });
      expect(excerpt.chainHead).toBe(stored(3).hash);
      expect(await audit.trailUpTo(APP, 'contract.signed')).toEqual(excerpt);
    });

    it('is null without that action, and refuses a broken chain', async () => {
      expect(await audit.trailUpTo(APP, 'contract.declined')).toBeNull();
      stored(1).actor = 'crm:someone-else';
      await expect(audit.trailUpTo(APP, 'contract.signed')).rejects.toThrow(/broken at seq 1: HASH_MISMATCH/);
    });
  });
});
