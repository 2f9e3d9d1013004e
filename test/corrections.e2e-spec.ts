import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mongoose';
import { DataSource } from 'typeorm';
import {
  admin,
  ApiClient,
  clientSession,
  crm,
  mailsTo,
  openCourse,
  processOf,
  type ReceivedMail,
  validForm,
  waitFor,
} from '@otus/testing';
import {
  apply,
  engine,
  env,
  expectCleanEnd,
  type Http,
  MINUTE,
  outcomeOf,
  reachSigning,
  requestCode,
  sign,
  timesRun,
  untilState,
  waitingIn,
} from './support/journey-steps';

jest.setTimeout(5 * MINUTE);

/**
 * The client corrects their data before signing (issue 17): the draft is withdrawn and a new
 * one made from the corrected data (a new document, e-mailed), the seat hold and the signing
 * deadline stay, and only the new draft can be signed — with a code sent for it. Through the
 * gateway, the real engine and workers.
 */

let amo: Awaited<ReturnType<typeof crm>>;
let staff: ApiClient;
let course: { code: string };
let courseDb: DataSource;
let mongo: Connection;

beforeAll(async () => {
  amo = await crm();
  staff = await admin();
  course = await openCourse({ title: 'Аналитик данных', priceKopecks: 7_500_000 });
  courseDb = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
  mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
});

afterAll(async () => {
  await courseDb.destroy();
  await mongo.close();
});

const CORRECTED = validForm({
  fullName: 'Сидорова Мария Ивановна',
  passportNumber: '112233',
  address: 'г. Казань, ул. Баумана, д. 5, кв. 12',
  phone: '+7 917 555-44-33',
});

const seatOf = async (applicationId: string) =>
  (
    await courseDb.query(`SELECT id, status, expires_at FROM seat_holds WHERE application_id = $1`, [applicationId])
  )[0] as { id: string; status: string; expires_at: Date } | undefined;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const draftMails = (mails: ReceivedMail[]) => mails.filter((m) => /готов к подписанию/.test(m.subject));

function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'correction-'));
  writeFileSync(join(dir, 'contract.pdf'), bytes);
  return execFileSync('pdftotext', ['-layout', join(dir, 'contract.pdf'), '-'], { encoding: 'utf8' }).replace(
    /\s+/g,
    ' ',
  );
}

/** The draft the client is offered now, and the process's idea of it. */
async function currentDraft(client: ApiClient, applicationId: string) {
  const { status, bytes } = await client.download('/documents/draft');
  expect(status).toBe(200);
  const vars = await engine.variables(await processOf(applicationId));
  return { sha256: sha256(bytes), bytes, documentId: vars.draftDocumentId, processSha256: vars.draftSha256 };
}

/** Asks for a code (again after the gateway's 429) and reads the `nth` code e-mail of the client. */
async function nthCode(client: Http, email: string, nth: number): Promise<string> {
  await waitFor(
    'a signing code to be sent',
    async () => {
      const { status, body } = await client.post('/signing-code');
      if (status === 200) return true;
      if (status === 429 && body?.code !== 'CODE_RESEND_TOO_SOON') return false;
      throw new Error(`signing-code: ${status} ${JSON.stringify(body)}`);
    },
    { timeoutMs: MINUTE, intervalMs: 1_000 },
  );
  const mails = await waitFor(`code e-mail ${nth}`, async () => {
    const found = (await mailsTo(email)).filter((m) => /^Код для подписания/.test(m.subject));
    return found.length >= nth && found;
  });
  return /\b(\d{6})\b/.exec(mails[nth - 1].text)![1];
}

/**
 * The new draft is offered, and the process waits for its signature again (the page shows the
 * draft as soon as it is stored, a moment before the draft task completes in the engine).
 */
async function untilNewDraft(client: Http, applicationId: string): Promise<void> {
  await untilState(client, 'SIGNING');
  await waitingIn(applicationId, 'Task_WaitSignature');
}

/** Corrects and waits for the new draft to be offered. */
async function correctAndWait(client: Http, applicationId: string, form = CORRECTED) {
  const answer = await client.post('/correction', form);
  expect(answer.status).toBe(202);
  await untilNewDraft(client, applicationId);
  return answer.body as { draftRevision: number; correctionsLeft: number };
}

describe('a correction before signing', () => {
  it('makes a new draft from the corrected data (new document, e-mailed); the hold and the deadline stay; the new draft signs', async () => {
    const started = await apply(amo, course.code);
    const client = (await reachSigning(started)) as ApiClient;
    const first = await currentDraft(client, started.applicationId);
    expect(first.documentId).toBe(`${started.applicationId}.draft`);
    const processInstanceId = await processOf(started.applicationId);
    const before = await engine.variables(processInstanceId);
    const seat = await seatOf(started.applicationId);
    expect(seat?.status).toBeDefined();
    const oldCode = await requestCode(client, started.email);
    await waitFor('the first draft e-mail', async () => draftMails(await mailsTo(started.email)).length === 1);

    const view = await client.get('');
    expect(view.body.corrections).toEqual({ max: 2, used: 0, left: 2, allowed: true });

    const answer = await client.post('/correction', CORRECTED);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ draftRevision: 1, correctionsLeft: 1 });
    // At once: the old draft is no longer offered, nor can it be signed.
    const meanwhile = await client.get('');
    expect(['PREPARING_DRAFT', 'SIGNING']).toContain(meanwhile.body.state);
    await untilNewDraft(client, started.applicationId);

    const second = await currentDraft(client, started.applicationId);
    expect(second.documentId).toBe(`${started.applicationId}.draft.1`);
    expect(second.sha256).not.toBe(first.sha256);
    expect(second.processSha256).toBe(second.sha256);
    const text = pdfText(second.bytes);
    expect(text).toContain('Сидорова Мария Ивановна');
    expect(text).toContain('112233');
    expect(text).not.toContain('Петров Иван Сергеевич');
    // E-mailed again; the same seat hold; the signing deadline did not move.
    await waitFor('the new draft e-mail', async () => draftMails(await mailsTo(started.email)).length === 2);
    expect(await seatOf(started.applicationId)).toEqual(seat);
    const after = await engine.variables(processInstanceId);
    expect(after.signDeadline).toBe(before.signDeadline);
    expect(after.draftRevision).toBe(1);
    // Staff see the current draft too.
    const staffDraft = await staff.download(`/api/contract/contracts/${started.applicationId}/documents/draft`);
    expect(sha256(staffDraft.bytes)).toBe(second.sha256);
    // The withdrawn draft stays stored (the public check still knows it as a draft).
    const old = await staff.post('/api/contract/public/verifications', { sha256: first.sha256 });
    expect(old.body).toMatchObject({ result: 'DRAFT' });

    // The code e-mailed for the withdrawn draft signs nothing; a new one signs the new draft.
    const stale = await client.post('/signature', { signingCode: oldCode });
    expect([stale.status, stale.body.code]).toEqual([409, 'CODE_NOT_REQUESTED']);
    // A new draft, a new code at once: the withdrawn draft's code does not make the client wait.
    await sign(client, await nthCode(client, started.email, 2));
    expect(await outcomeOf(amo, started)).toMatchObject({ status: 'CONCLUDED', outcome: 'CONCLUDED' });
    await expectCleanEnd(started.applicationId, 'End_Concluded');

    // The signed copy is the corrected one, and names the draft that was signed.
    const signed = await client.download('/documents/signed');
    const signedText = pdfText(signed.bytes);
    expect(signedText).toContain('Сидорова Мария Ивановна');
    expect(signedText).not.toContain('Петров Иван Сергеевич');
    expect(signedText).toContain(second.sha256);
    expect(signedText).not.toContain(first.sha256);
    const stored = await mongo.collection('applications').findOne({ _id: started.applicationId as never });
    expect(stored?.signature).toMatchObject({ draftDocumentId: second.documentId, draftSha256: second.sha256 });

    // The process went back through the draft once, by the boundary event.
    expect(await timesRun(processInstanceId, 'Boundary_DataCorrected')).toBe(1);
    expect(await timesRun(processInstanceId, 'Task_GenerateDraft')).toBe(2);
    const trail = await staff.get(`/api/contract/contracts/${started.applicationId}/audit`);
    const actions = trail.body.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'client-data.corrected')).toHaveLength(1);
    expect(actions.filter((a: string) => a === 'draft.generated')).toHaveLength(2);
    const verified = await staff.get(`/api/contract/contracts/${started.applicationId}/audit/verification`);
    expect(verified.body).toMatchObject({ valid: true });

    // After the signature there is nothing to correct.
    const late = await client.post('/correction', CORRECTED);
    expect([late.status, late.body.code]).toEqual([409, 'CORRECTION_NOT_ALLOWED']);
  });

  it('is refused past CONTRACT_MAX_CORRECTIONS (2) with 409 CORRECTION_LIMIT_REACHED; the same validation as the form', async () => {
    const started = await apply(amo, course.code);
    const client = await reachSigning(started);

    const bad = await client.post('/correction', { ...CORRECTED, passportNumber: '12' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['passportNumber']);
    const young = await client.post('/correction', { ...CORRECTED, birthDate: new Date().toISOString().slice(0, 10) });
    expect([young.status, young.body.details?.[0]?.field]).toEqual([400, 'birthDate']);
    const promo = await client.post('/correction', { ...CORRECTED, promoCode: 'OTHER10' });
    expect(promo.status).toBe(400);

    expect(await correctAndWait(client, started.applicationId)).toEqual({ draftRevision: 1, correctionsLeft: 1 });
    expect(
      await correctAndWait(client, started.applicationId, { ...CORRECTED, fullName: 'Сидорова Мария Петровна' }),
    ).toEqual({
      draftRevision: 2,
      correctionsLeft: 0,
    });
    const third = await client.post('/correction', CORRECTED);
    expect(third.status).toBe(409);
    expect(third.body).toMatchObject({ code: 'CORRECTION_LIMIT_REACHED', details: { maxCorrections: 2, used: 2 } });
    expect((await client.get('')).body.corrections).toEqual({ max: 2, used: 2, left: 0, allowed: false });

    const processInstanceId = await processOf(started.applicationId);
    expect(await timesRun(processInstanceId, 'Task_GenerateDraft')).toBe(3);
    const vars = await engine.variables(processInstanceId);
    expect(vars.draftDocumentId).toBe(`${started.applicationId}.draft.2`);
    const stored = await mongo
      .collection('documents')
      .find({ applicationId: started.applicationId, kind: 'draft' })
      .project({ _id: 1, revision: 1 })
      .toArray();
    expect(stored.map((d) => d._id).sort()).toEqual([
      `${started.applicationId}.draft`,
      `${started.applicationId}.draft.1`,
      `${started.applicationId}.draft.2`,
    ]);

    // The last draft signs and the application ends cleanly.
    await sign(client, await requestCode(client, started.email));
    expect(await outcomeOf(amo, started)).toMatchObject({ outcome: 'CONCLUDED' });
    await expectCleanEnd(started.applicationId, 'End_Concluded');
  });

  it('is refused while signing is locked', async () => {
    const started = await apply(amo, course.code);
    await reachSigning(started);
    // Three codes of five wrong tries lock signing; the caps are per application, so the test
    // talks to the service past the gateway's per-address limit (as the signer-binding spec does).
    const client = await clientSession(started.applicationId, { via: 'service' });
    for (let n = 1; n <= 3; n++) {
      if (n > 1) {
        await mongo
          .collection('signing_codes')
          .updateOne(
            { applicationId: started.applicationId },
            { $set: { sentAt: new Date(Date.now() - 10 * MINUTE) } },
          );
      }
      expect((await client.post('/signing-code')).status).toBe(200);
      for (let i = 0; i < 5; i++) await client.post('/signature', { signingCode: '000000' });
    }
    await untilState(client, 'SIGNING_LOCKED');
    const refused = await client.post('/correction', CORRECTED);
    expect([refused.status, refused.body.code]).toEqual([409, 'CORRECTION_NOT_ALLOWED']);
    expect((await client.get('')).body.corrections.allowed).toBe(false);
    await staff.post(`/api/contract/contracts/${started.applicationId}/cancel`, { reasonCode: 'TEST_CLEANUP' });
    expect(await outcomeOf(amo, started)).toMatchObject({ outcome: 'CANCELLED' });
  });

  it('and a signature sent together: exactly one succeeds, and the application goes on from it', async () => {
    const rounds = await Promise.all([0, 1, 2].map(() => apply(amo, course.code)));
    const wins = { correction: 0, signature: 0 };
    await Promise.all(
      rounds.map(async (started, round) => {
        const client = (await reachSigning(started)) as ApiClient;
        const code = await requestCode(client, started.email);
        // Staggered a little differently each round, so that each side gets to be first.
        const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
        const [corrected, signed] = await Promise.all([
          delay(round === 2 ? 15 : 0).then(() => client.post('/correction', CORRECTED)),
          delay(round === 1 ? 15 : 0).then(() => client.post('/signature', { signingCode: code })),
        ]);
        const succeeded = [corrected.status === 202, signed.status === 204];
        expect(succeeded.filter(Boolean)).toHaveLength(1);
        if (succeeded[0]) {
          wins.correction++;
          expect(signed.status).toBe(409);
          await untilNewDraft(client, started.applicationId);
          await sign(client, await nthCode(client, started.email, 2));
        } else {
          wins.signature++;
          expect(corrected.status).toBe(409);
          expect(['APPLICATION_CHANGED', 'CORRECTION_NOT_ALLOWED']).toContain(corrected.body.code);
        }
        expect(await outcomeOf(amo, started)).toMatchObject({ outcome: 'CONCLUDED' });
        await expectCleanEnd(started.applicationId, 'End_Concluded');
        const processInstanceId = await processOf(started.applicationId);
        expect(await timesRun(processInstanceId, 'Task_GenerateDraft')).toBe(succeeded[0] ? 2 : 1);
        const signedText = pdfText((await client.download('/documents/signed')).bytes);
        expect(signedText).toContain(succeeded[0] ? 'Сидорова Мария Ивановна' : 'Петров Иван Сергеевич');
      }),
    );
    expect(wins.correction + wins.signature).toBe(3);
  });
});
