import { createHash } from 'node:crypto';
import { types } from 'node:util';
import canonicalize from 'canonicalize';

/**
 * An application's audit trail is a hash chain: event n stores the hash of event n−1 and a
 * hash over its own fields, so a stored event that was changed, removed or put in between no
 * longer matches its neighbours. Someone who can write to the database can still rebuild the
 * whole chain, or cut its tail; the chain head printed on the signed contract's signing sheet
 * is the copy they cannot reach, and it pins every event up to the signature.
 */

/** The event erasure appends; its `details.redacted` lists the positions it redacted. */
export const ERASURE_ACTION = 'personal-data.erased';

/** `prevHash` of an application's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export type ChainBreakReason = 'HASH_MISMATCH' | 'PREV_HASH_MISMATCH' | 'SEQ_GAP';

/** The fields an event's hash covers. */
export interface ChainedFields {
  applicationId: string;
  seq: number;
  prevHash: string;
  actor: string;
  action: string;
  at: Date;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown> | null;
}

export interface StoredEvent extends Partial<ChainedFields> {
  _id: unknown;
  hash?: string;
  redacted?: boolean;
}

export interface ChainCheck {
  valid: boolean;
  /** Chained events checked. */
  events: number;
  /** Events stored before the trail was chained (no `seq`): kept, shown, not covered. */
  unchained: number;
  brokenAt?: { seq: number; eventId: string; reason: ChainBreakReason };
}

/** `<applicationId>.000042`: the one `_id` position 42 of the chain can be stored under. */
export function eventId(applicationId: string, seq: number): string {
  return `${applicationId}.${String(seq).padStart(6, '0')}`;
}

/**
 * Details as they will read back from the database: JSON values only, keys sorted. The
 * driver would store an `undefined` as null and a Date as a Date; hashing and storing this
 * form instead keeps what is hashed and what is stored the same.
 */
export function storableDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  return details === undefined ? undefined : (JSON.parse(jcs(details)) as Record<string, unknown>);
}

/** Hex SHA-256 over the RFC 8785 (JCS) form of the event's fields; absent ones count as null. */
export function eventHash(e: ChainedFields): string {
  const payload = {
    applicationId: e.applicationId,
    seq: e.seq,
    prevHash: e.prevHash,
    actor: e.actor,
    action: e.action,
    at: e.at.toISOString(),
    ip: e.ip ?? null,
    userAgent: e.userAgent ?? null,
    details: e.details ?? null,
  };
  return createHash('sha256').update(jcs(payload), 'utf8').digest('hex');
}

/**
 * Walks an application's trail oldest first and names the first event that breaks the chain:
 * a missing position (SEQ_GAP), fields that no longer give the stored hash (HASH_MISMATCH),
 * or a link to a predecessor that is not the one stored (PREV_HASH_MISMATCH). Events without
 * `seq` predate the chain: a trail of only those is "unchained" (valid, nothing covered), and
 * in a mixed trail they are counted and skipped. Removing the newest events is not visible
 * here: the signing sheet's chain head covers what was there at signing. Events redacted by
 * erasure are checked for their place in the chain only.
 */
export function checkChain(stored: StoredEvent[]): ChainCheck {
  const chained = stored.filter((e) => typeof e.seq === 'number').sort((a, b) => a.seq! - b.seq!);
  const unchained = stored.length - chained.length;
  // The events an erasure redacted, as its own (unredacted, hash-checked) event lists them.
  const mayBeRedacted = new Set(
    chained
      .filter((e) => e.action === ERASURE_ACTION && !e.redacted)
      .flatMap((e) => (Array.isArray(e.details?.redacted) ? (e.details.redacted as unknown[]) : [])),
  );
  let prevHash = GENESIS_HASH;
  for (const [i, e] of chained.entries()) {
    const broken = (reason: ChainBreakReason): ChainCheck => ({
      valid: false,
      events: chained.length,
      unchained,
      brokenAt: { seq: e.seq!, eventId: String(e._id), reason },
    });
    if (e.seq !== i + 1) return broken('SEQ_GAP');
    // A redacted event (erasure) keeps its hash but not every field it covers: its links are
    // checked, and it must be one the erasure's event names.
    if (e.redacted ? typeof e.hash !== 'string' || !mayBeRedacted.has(e.seq) : !matches(e)) {
      return broken('HASH_MISMATCH');
    }
    if (e.prevHash !== prevHash) return broken('PREV_HASH_MISMATCH');
    prevHash = e.hash!;
  }
  return { valid: true, events: chained.length, unchained };
}

function matches(e: StoredEvent): boolean {
  if (typeof e.hash !== 'string' || !types.isDate(e.at) || Number.isNaN(e.at.getTime())) return false;
  try {
    return eventHash(e as ChainedFields) === e.hash;
  } catch {
    // A value JCS cannot write (NaN, a stray BSON type) was not there when the hash was made.
    return false;
  }
}

function jcs(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('not serialisable as JSON');
  return text;
}
