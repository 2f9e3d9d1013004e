import { randomUUID } from 'node:crypto';
import { maskEmail } from '@otus/common';
import { ApiClient, application, crm, openCourse, stackEnv, staffToken, waitFor } from '@otus/testing';
import mongoose from 'mongoose';
import { AuditEvent, AuditEventSchema } from '../src/audit/audit-event.schema';
import { AuditService } from '../src/audit/audit.service';

/**
 * The audit trail as a hash chain on the stack's Mongo-protocol server: two in-process
 * AuditServices on their own connections (two replicas, say) append to one application's
 * trail at once, then the trail is altered behind the service's back, and the staff check
 * through the gateway names the event where the chain breaks.
 */
const env = stackEnv();
const GENESIS = '0'.repeat(64);

let connections: mongoose.Connection[];
let replicas: AuditService[];
let events: mongoose.Collection;
let staff: ApiClient;
let amo: Awaited<ReturnType<typeof crm>>;
let course: { code: string };

beforeAll(async () => {
  connections = await Promise.all(
    [1, 2].map(() =>
      mongoose.createConnection(env.CONTRACT_MONGO_URL, { serverSelectionTimeoutMS: 5_000 }).asPromise(),
    ),
  );
  replicas = connections.map((c) => new AuditService(c.model(AuditEvent.name, AuditEventSchema)));
  events = connections[0]!.collection('audit_events');
  staff = new ApiClient(`${env.GATEWAY_URL}/api/contract`, await staffToken({ roles: ['operator'] }));
  amo = await crm();
  course = await openCourse({ code: `AUDIT-${randomUUID().slice(0, 6)}` });
});

afterAll(async () => {
  await Promise.all((connections ?? []).map((c) => c.close()));
});

const id = (applicationId: string, seq: number) => `${applicationId}.${String(seq).padStart(6, '0')}`;

/**
 * An application the service knows, once the link e-mail is in its trail: `application.created`
 * from the CRM, then `link.sent` from the notification service, with the address masked.
 */
async function newApplication(): Promise<string> {
  const dto = application(course.code);
  const { status, body } = await amo.post('/applications', dto);
  expect(status).toBe(201);
  const applicationId = body.applicationId as string;
  const sent = await waitFor('link.sent in the trail', () => events.findOne({ _id: id(applicationId, 2) as never }));
  expect(sent).toMatchObject({ action: 'link.sent', actor: 'system', details: { sentTo: maskEmail(dto.clientEmail) } });
  return applicationId;
}

/** Ten appends at once, spread over both replicas. */
async function appendTen(applicationId: string): Promise<void> {
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      replicas[i % 2]!.record(
        applicationId,
        'document.viewed',
        { actor: 'client', ip: '203.0.113.9', userAgent: 'audit-chain e2e' },
        { kind: 'draft', n: i },
      ),
    ),
  );
}

const verification = (applicationId: string) => staff.get(`/contracts/${applicationId}/audit/verification`);

it('chains parallel appends into one unbroken sequence that the staff check accepts', async () => {
  const applicationId = await newApplication();
  await appendTen(applicationId);

  const stored = await events.find({ applicationId }).sort({ seq: 1 }).toArray();
  expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  expect(stored.map((e) => e._id)).toEqual(stored.map((e) => id(applicationId, e.seq as number)));
  expect(stored[0]).toMatchObject({ action: 'application.created', prevHash: GENESIS });
  expect(stored[1]).toMatchObject({ action: 'link.sent' });
  stored.slice(1).forEach((e, i) => expect(e.prevHash).toBe(stored[i]!.hash));
  expect(new Set(stored.map((e) => e.hash)).size).toBe(12);
  // Each of the ten appends is there exactly once.
  expect(
    stored
      .slice(2)
      .map((e) => (e.details as { n: number }).n)
      .sort((a, b) => a - b),
  ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  const check = await verification(applicationId);
  expect(check.status).toBe(200);
  expect(check.body).toEqual({ valid: true, events: 12, unchained: 0 });

  const trail = await staff.get(`/contracts/${applicationId}/audit`);
  expect(trail.status).toBe(200);
  expect(trail.body.map((e: { seq: number }) => e.seq)).toEqual(stored.map((e) => e.seq));
  expect(trail.body.at(-1)).toMatchObject({ seq: 12, hash: stored[11]!.hash, prevHash: stored[10]!.hash });
});

it('names the event whose stored action or details were changed', async () => {
  const applicationId = await newApplication();
  await appendTen(applicationId);
  await events.updateOne({ _id: id(applicationId, 4) as never }, { $set: { action: 'contract.signed' } });
  expect((await verification(applicationId)).body).toEqual({
    valid: false,
    events: 12,
    unchained: 0,
    brokenAt: { seq: 4, eventId: id(applicationId, 4), reason: 'HASH_MISMATCH' },
  });

  const other = await newApplication();
  await appendTen(other);
  await events.updateOne({ _id: id(other, 7) as never }, { $set: { 'details.kind': 'signed' } });
  expect((await verification(other)).body).toMatchObject({
    valid: false,
    brokenAt: { seq: 7, eventId: id(other, 7), reason: 'HASH_MISMATCH' },
  });
});

it('reports an event removed from the middle of the trail', async () => {
  const applicationId = await newApplication();
  await appendTen(applicationId);
  await events.deleteOne({ _id: id(applicationId, 6) as never });
  const { status, body } = await verification(applicationId);
  expect(status).toBe(200);
  expect(body).toMatchObject({ valid: false, brokenAt: { seq: 7, eventId: id(applicationId, 7) } });
  expect(['SEQ_GAP', 'PREV_HASH_MISMATCH']).toContain(body.brokenAt.reason);
});

it('answers 404 for an unknown application, and only to staff', async () => {
  const unknown = await verification(randomUUID());
  expect(unknown.status).toBe(404);
  expect(unknown.body.code).toBe('APPLICATION_NOT_FOUND');
  const applicationId = await newApplication();
  expect((await staff.withToken(undefined).get(`/contracts/${applicationId}/audit/verification`)).status).toBe(401);
});
