import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
import {
  ApiClient,
  waitFor,
  waitForMails,
  mailsTo,
  application,
  clientSession,
  crm,
  openCourse,
  validForm,
  stackEnv,
} from '@otus/testing';

const env = stackEnv();

/**
 * Signing with a one-time code e-mailed through the notification service and read from the
 * real SMTP catcher; the contract ends concluded (or declined) with every real worker.
 */
let course: { code: string };
let amo: Awaited<ReturnType<typeof crm>>;

beforeAll(async () => {
  course = await openCourse({ title: 'Разработчик Node.js', priceKopecks: 9_900_000 });
  amo = await crm();
});

async function atSigning(): Promise<{ id: string; client: ApiClient; email: string; crmApplicationId: string }> {
  const dto = application(course.code);
  const { body } = await amo.post('/applications', dto);
  const client = await clientSession(body.applicationId);
  // Every mail about the contract, the code first of all, goes to the address the CRM gave.
  const email = dto.clientEmail;
  expect((await client.post('/form', validForm())).status).toBe(204);
  await waitFor('the draft', async () => (await client.get('')).body.state === 'SIGNING', { timeoutMs: 60_000 });
  return { id: body.applicationId, client, email, crmApplicationId: dto.crmApplicationId };
}

const codeMails = async (email: string) =>
  (await mailsTo(email)).filter((m) => m.subject.startsWith('Код для подписания'));

async function codeFor(email: string, nth = 1): Promise<string> {
  const mails = await waitFor(`code e-mail ${nth}`, async () => {
    const found = await codeMails(email);
    return found.length >= nth && found;
  });
  return /\b(\d{6})\b/.exec(mails[nth - 1].text)![1];
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

it('signs with the e-mailed code: the contract is concluded, the signed PDF carries the certificate', async () => {
  const { id, client, email, crmApplicationId } = await atSigning();
  const sent = await client.post('/signing-code');
  expect(sent.status).toBe(200);
  expect(sent.body).toMatchObject({ attemptsLeft: 5, locked: false });
  const code = await codeFor(email);

  const miss = await client.post('/signature', { signingCode: wrong(code) });
  expect(miss.status).toBe(422);
  expect(miss.body).toMatchObject({ code: 'CODE_INVALID', details: { attemptsLeft: 4 } });
  expect((await client.post('/signature', { signingCode: code })).status).toBe(204);

  await waitFor('the contract to be concluded', async () => (await client.get('')).body.state === 'CONCLUDED', {
    timeoutMs: 60_000,
  });
  const draft = await client.download('/documents/draft');
  const download = await client.download('/documents/signed?download=1');
  const signed = { ...download, sha256: createHash('sha256').update(download.bytes).digest('hex') };
  expect(signed.headers.get('content-disposition')).toMatch(/^attachment/);
  const dir = mkdtempSync(join(tmpdir(), 'signed-'));
  writeFileSync(join(dir, 'signed.pdf'), signed.bytes);
  const text = execFileSync('pdftotext', ['-layout', join(dir, 'signed.pdf'), '-'], { encoding: 'utf8' });
  const draftSha = (await import('node:crypto')).createHash('sha256').update(draft.bytes).digest('hex');
  expect(text).toContain('Петров Иван Сергеевич');
  expect(text).toContain('Разработчик Node.js');
  expect(text).toContain('ЛИСТ ПОДПИСАНИЯ');
  expect(text.replace(/\s+/g, '')).toContain(draftSha);
  // The signing sheet lists the audit chain up to the signature, and its head.
  expect(text).toContain('Журнал действий по заявке до подписания');

  // The school's seal (PAdES): valid over the whole file as stored, broken by one changed byte.
  const pdfsig = (file: string) => {
    try {
      return execFileSync('pdfsig', [file], { encoding: 'utf8' });
    } catch (e) {
      return String((e as { stdout?: string }).stdout ?? e);
    }
  };
  const sealed = pdfsig(join(dir, 'signed.pdf'));
  expect(sealed).toContain('Signature Validation: Signature is Valid.');
  expect(sealed).toContain('Total document signed');
  expect(sealed).toContain('Signature Type: ETSI.CAdES.detached');
  const tampered = Buffer.from(signed.bytes);
  const at = tampered.indexOf('stream') + 20; // inside the first content stream, within the signed range
  tampered[at] ^= 0x01;
  writeFileSync(join(dir, 'tampered.pdf'), tampered);
  expect(pdfsig(join(dir, 'tampered.pdf'))).not.toContain('Signature is Valid.');

  // At rest the PDFs are sealed like the personal data: no passport number in any stored document.
  const mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
  try {
    const stored = await mongo.collection('documents').find({ applicationId: id }).toArray();
    expect(stored.map((d) => d.kind).sort()).toEqual(['draft', 'signed']);
    for (const document of stored) {
      expect(document.pdf).toBeUndefined();
      expect(document.sealedPdf).toMatch(/^v1\./);
      const raw = JSON.stringify(document) + Buffer.from(document.sealedPdf, 'utf8').toString('latin1');
      expect(raw).not.toContain(validForm().passportNumber);
    }
    // …while the client's own copy has it: the check above is not vacuous.
    expect(text).toContain(validForm().passportNumber);
    const digest = await mongo.collection('document_digests').findOne({ _id: signed.sha256 as never });
    expect(digest?.documentId).toBe(`${id}.signed`);
  } finally {
    await mongo.close();
  }

  // The signed contract reaches the client by e-mail too, and the CRM sees the outcome.
  const [withPdf] = await waitFor(
    'the signed-contract e-mail',
    async () => {
      const mails = (await waitForMails(email, 1, 0)).filter((m) => m.attachments?.length);
      return mails.length > 0 && mails;
    },
    { timeoutMs: 60_000 },
  );
  expect(withPdf.subject).toMatch(/подписан/i);
  await waitFor(
    'the CRM to see CONCLUDED',
    async () => (await amo.get(`/applications/${crmApplicationId}`)).body.outcome === 'CONCLUDED',
    {
      timeoutMs: 60_000,
    },
  );
  expect((await amo.get(`/applications/${crmApplicationId}`)).body).toMatchObject({
    status: 'CONCLUDED',
    outcome: 'CONCLUDED',
  });
  expect(id).toBeDefined();
}, 180_000);

it('locks the code after five wrong tries; a new code may then be asked for, but not within a minute', async () => {
  const { client, email } = await atSigning();
  await client.post('/signing-code');
  const code = await codeFor(email);
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await client.post('/signature', { signingCode: wrong(code) }));
  expect(answers.map((a) => a.status)).toEqual([422, 422, 422, 422, 423]);
  const afterLock = await client.post('/signature', { signingCode: code });
  expect(afterLock.status).toBe(423);
  expect(afterLock.body.code).toBe('CODE_LOCKED');
  expect((await client.get('')).body.signingCode).toMatchObject({ locked: true, attemptsLeft: 0 });
  const tooSoon = await client.post('/signing-code');
  expect(tooSoon.status).toBe(429);
  expect(tooSoon.body.code).toBe('CODE_RESEND_TOO_SOON');
});

it('gives ten wrong codes sent at once five tries in all, then the code is locked', async () => {
  const { id, email } = await atSigning();
  const client = await clientSession(id, { via: 'service' });
  await client.post('/signing-code');
  const code = await codeFor(email);
  const answers = await Promise.all(
    Array.from({ length: 10 }, () => client.post('/signature', { signingCode: wrong(code) })),
  );
  const left = answers.filter((a) => a.status === 422).map((a) => a.body.details.attemptsLeft as number);
  expect(left.sort()).toEqual([1, 2, 3, 4]);
  expect(answers.filter((a) => a.status === 423)).toHaveLength(6);
  expect((await client.post('/signature', { signingCode: code })).status).toBe(423);
  expect((await client.get('')).body.signingCode).toMatchObject({ locked: true, attemptsLeft: 0 });
});

it('sends one code when it is asked for ten times at once', async () => {
  const { id, email } = await atSigning();
  const client = await clientSession(id, { via: 'service' });
  const answers = await Promise.all(Array.from({ length: 10 }, () => client.post('/signing-code')));
  expect(answers.map((a) => a.status).sort()).toEqual([200, ...Array(9).fill(429)]);
  expect(answers.filter((a) => a.status === 429).every((a) => a.body.code === 'CODE_RESEND_TOO_SOON')).toBe(true);
  const code = await codeFor(email);
  // A second code would have arrived by now; the one that came is the one that signs.
  await new Promise((r) => setTimeout(r, 1_500));
  expect(await codeMails(email)).toHaveLength(1);
  expect((await client.post('/signature', { signingCode: code })).status).toBe(204);
});

it('signs or declines, once, when both are sent at once', async () => {
  const { id, email } = await atSigning();
  const client = await clientSession(id, { via: 'service' });
  await client.post('/signing-code');
  const code = await codeFor(email);
  const answers = await Promise.all([
    ...Array.from({ length: 3 }, () => client.post('/signature', { signingCode: code })),
    ...Array.from({ length: 3 }, () => client.post('/decline', { reason: 'Передумал' })),
  ]);
  expect(answers.map((a) => a.status).sort()).toEqual([204, 409, 409, 409, 409, 409]);
  const signed = answers.findIndex((a) => a.status === 204) < 3;
  const mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
  try {
    const decisions = await mongo
      .collection('audit_events')
      .find({ applicationId: id, action: { $in: ['contract.signed', 'contract.declined'] } })
      .toArray();
    expect(decisions.map((d) => d.action)).toEqual([signed ? 'contract.signed' : 'contract.declined']);
    const stored = await mongo.collection('applications').findOne({ _id: id as never });
    expect(signed ? ['SIGNED', 'CONCLUDED'] : ['DECLINED']).toContain(stored?.status);
  } finally {
    await mongo.close();
  }
  await waitFor('the outcome', async () => ['CONCLUDED', 'DECLINED'].includes((await client.get('')).body.state), {
    timeoutMs: 60_000,
  });
  expect((await client.get('')).body.state).toBe(signed ? 'CONCLUDED' : 'DECLINED');
});

it('refuses an expired code with a clear error', async () => {
  const { id, client, email } = await atSigning();
  await client.post('/signing-code');
  const code = await codeFor(email);
  const mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
  try {
    await mongo
      .collection('signing_codes')
      .updateOne({ applicationId: id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
  } finally {
    await mongo.close();
  }
  const expired = await client.post('/signature', { signingCode: code });
  expect(expired.status).toBe(410);
  expect(expired.body.code).toBe('CODE_EXPIRED');
});

it('rejects malformed codes before counting them', async () => {
  const { client } = await atSigning();
  await client.post('/signing-code');
  const bad = await client.post('/signature', { signingCode: '12ab' });
  expect(bad.status).toBe(400);
  expect(bad.body.details[0]).toEqual({ field: 'signingCode', errors: ['Код — 6 цифр из письма'] });
  expect((await client.get('')).body.signingCode.attemptsLeft).toBe(5);
});

it('declines with a reason: the process ends DECLINED and the reason stays out of it', async () => {
  const { id, client, crmApplicationId } = await atSigning();
  const internal = new ApiClient(`http://${env.STACK_HOST}:${env.CONTRACT_PORT}`);
  const reasonPath = `/internal/applications/${id}/decline-reason`;
  // Not declined yet: nothing to tell the CRM.
  const notYet = await internal.withHeaders({ 'x-internal-token': env.INTERNAL_API_TOKEN }).get(reasonPath);
  expect([notYet.status, notYet.body.code]).toEqual([404, 'NOT_DECLINED']);
  // A reason outside the list, or "other" without words, is refused before anything changes.
  const unknown = await client.post('/decline', { reasonCode: 'BORED', reason: 'x' });
  expect([unknown.status, unknown.body.details?.[0]?.field]).toEqual([400, 'reasonCode']);
  const otherWithoutWords = await client.post('/decline', { reasonCode: 'OTHER' });
  expect([otherWithoutWords.status, otherWithoutWords.body.details?.[0]?.field]).toEqual([400, 'reason']);
  expect((await client.get('')).body.state).toBe('SIGNING');

  expect((await client.post('/decline', { reason: 'Выбрал другой курс, паспорт 4510 111111' })).status).toBe(204);
  // Without a code the words are the reason (OTHER); only our services may read them, never through the gateway.
  expect((await internal.get(reasonPath)).status).toBe(401);
  const reason = await internal.withHeaders({ 'x-internal-token': env.INTERNAL_API_TOKEN }).get(reasonPath);
  expect(reason.body).toEqual({ reasonCode: 'OTHER', reasonText: 'Выбрал другой курс, паспорт 4510 111111' });
  expect((await new ApiClient(env.GATEWAY_URL).get(`/api/contract${reasonPath}`)).status).toBe(404);
  await waitFor(
    'the CRM to see DECLINED',
    async () => (await amo.get(`/applications/${crmApplicationId}`)).body.outcome === 'DECLINED',
    {
      timeoutMs: 60_000,
    },
  );
  expect((await client.get('')).body.state).toBe('DECLINED');
  expect((await client.post('/signing-code')).status).toBe(409);
});
