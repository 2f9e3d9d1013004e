import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import {
  ApiClient,
  type ApiResponse,
  clientSession,
  crm,
  loopbackAddress,
  openCourse,
  stackEnv,
  validForm,
} from '@otus/testing';
import { apply, MINUTE, requestCode, sign, submitForm, untilState } from '../../../test/support/journey-steps';

/**
 * The public check of a contract through the gateway (`/api/contract/public/verifications`):
 * a contract concluded the way a client concludes it, then checked by its hash, by its file,
 * changed by one byte, under a wrong number, as a draft, and with malformed input. No answer
 * carries personal data.
 */
const env = stackEnv();
const BASE = `${env.GATEWAY_URL}/api/contract/public/verifications`;
const form = validForm();

let signed: Buffer;
let draft: Buffer;
let email: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** Each call from an address of its own: the gateway limits the check per address. */
const api = () => new ApiClient(BASE).from(loopbackAddress());

/** POSTs raw bytes (ApiClient sends JSON only), from an address of its own. */
function postBytes(path: string, body: Buffer, contentType: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${BASE}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': contentType, 'content-length': String(body.length), accept: 'application/json' },
        localAddress: loopbackAddress(),
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`POST ${path}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const postPdf = (pdf: Buffer) => postBytes('/pdf', pdf, 'application/pdf');

/** Nothing that identifies the client: name, e-mail, passport, the application's id. */
function expectNoPersonalData(text: string, applicationId: string): void {
  const withoutHashes = text.replace(/[0-9a-f]{64}/g, '');
  expect(text).not.toContain(form.fullName);
  expect(text).not.toContain(form.fullName.split(' ')[0]);
  expect(text).not.toContain(form.fullName.split(' ')[1]);
  expect(text).not.toContain(email);
  expect(text).not.toContain(form.passportNumber);
  expect(withoutHashes).not.toContain(form.passportSeries);
  expect(text).not.toContain(form.address);
  expect(text).not.toContain(applicationId);
}

let applicationId: string;
let contractNumber: string;

beforeAll(async () => {
  const course = await openCourse({ title: 'Разработчик Node.js' });
  const started = await apply(await crm(), course.code);
  ({ applicationId, email } = started);
  contractNumber = applicationId.replace(/-/g, '').slice(0, 8).toUpperCase();
  const client = await clientSession(applicationId);
  await submitForm(started, client);
  await untilState(client, 'SIGNING');
  draft = (await client.download('/documents/draft')).bytes;
  await sign(client, await requestCode(client, email));
  await untilState(client, 'CONCLUDED', 2 * MINUTE);
  signed = (await client.download('/documents/signed')).bytes;
  expect(signed.subarray(0, 5).toString()).toBe('%PDF-');
}, 4 * MINUTE);

describe('POST /api/contract/public/verifications (by SHA-256)', () => {
  it('says VALID with the number, the signing time, a masked signer, and no personal data', async () => {
    const { status, body } = await api().post('', { sha256: sha256(signed) });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      result: 'VALID',
      sha256: sha256(signed),
      contractNumber,
      templateVersion: expect.any(String),
      signer: 'П***** И. С.',
    });
    expect(new Date(body.signedAt).getTime()).toBeLessThanOrEqual(Date.now());
    expect(Object.keys(body).sort()).toEqual(
      expect.arrayContaining(['contractNumber', 'result', 'sha256', 'signedAt', 'signer', 'templateVersion']),
    );
    expect(body).not.toHaveProperty('applicationId');
    expectNoPersonalData(JSON.stringify(body), applicationId);
  });

  it('takes the hash in upper case and the right number; a wrong number is NOT_FOUND, like an unknown hash', async () => {
    const right = await api().post('', { sha256: sha256(signed).toUpperCase(), contractNumber });
    expect(right.body.result).toBe('VALID');

    const other = contractNumber === 'FFFFFFFF' ? '00000000' : 'FFFFFFFF';
    const wrong = await api().post('', { sha256: sha256(signed), contractNumber: other });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({ result: 'NOT_FOUND', sha256: sha256(signed) });

    const unknown = await api().post('', { sha256: 'ab'.repeat(32) });
    expect(unknown.body).toEqual({ result: 'NOT_FOUND', sha256: 'ab'.repeat(32) });
  });

  it('says only DRAFT for the draft: not a signed contract, no details', async () => {
    const { status, body } = await api().post('', { sha256: sha256(draft) });
    expect(status).toBe(200);
    expect(body).toEqual({ result: 'DRAFT', sha256: sha256(draft) });
  });

  it.each<[string, unknown]>([
    ['a short hash', { sha256: 'abc' }],
    ['a hash that is not hex', { sha256: 'z'.repeat(64) }],
    ['no hash', { contractNumber: 'ABCDEF12' }],
    ['a number in lower case', { sha256: 'ab'.repeat(32), contractNumber: 'abcdef12' }],
    ['a number of 9 characters', { sha256: 'ab'.repeat(32), contractNumber: 'ABCDEF123' }],
    ['a null number', { sha256: 'ab'.repeat(32), contractNumber: null }],
    ['a hash that is a number', { sha256: 12345 }],
    ['an unknown field', { sha256: 'ab'.repeat(32), applicationId: 'x' }],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_, dto) => {
    const { status, body } = (await api().post('', dto)) as ApiResponse;
    expect(status).toBe(400);
    expect(body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses malformed JSON with 400, and a form body with 415', async () => {
    const malformed = await postBytes('', Buffer.from('{"sha256":'), 'application/json');
    expect(malformed.status).toBe(400);
    const formBody = await postBytes('', Buffer.from(`sha256=${'ab'.repeat(32)}`), 'application/x-www-form-urlencoded');
    expect(formBody.status).toBe(415);
  });
});

describe('POST /api/contract/public/verifications/pdf (by the file)', () => {
  it('says VALID for the signed contract, with the school’s seal intact', async () => {
    const { status, text } = await postPdf(signed);
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      result: 'VALID',
      sha256: sha256(signed),
      contractNumber,
      signer: 'П***** И. С.',
      sealIntact: true,
      sealedByUs: true,
    });
    expectNoPersonalData(text, applicationId);
  });

  it('does not say VALID when one byte of the file is changed', async () => {
    const changed = Buffer.from(signed);
    // A byte in the middle of the first signed range: the seal leaves out only its own /Contents.
    const ranges = [...changed.toString('latin1').matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)/g)];
    expect(ranges.length).toBeGreaterThan(0);
    const at = Math.floor(Number(ranges[ranges.length - 1]![2]) / 2);
    changed[at] ^= 0x01;

    const upload = await postPdf(changed);
    expect(upload.status).toBe(200);
    const body = JSON.parse(upload.text);
    expect(body.result).not.toBe('VALID');
    // The file still carries the school's seal, which no longer matches it.
    expect(body).toEqual({ result: 'SEAL_BROKEN', sha256: sha256(changed), sealIntact: false, sealedByUs: true });
    expectNoPersonalData(upload.text, applicationId);

    const byHash = await api().post('', { sha256: sha256(changed) });
    expect(byHash.body).toEqual({ result: 'NOT_FOUND', sha256: sha256(changed) });
  });

  it('says DRAFT for the draft file', async () => {
    const { status, text } = await postPdf(draft);
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ result: 'DRAFT', sha256: sha256(draft) });
  });

  it('says NOT_FOUND for bytes that are no PDF at all, never a 500', async () => {
    const junk = Buffer.from('%PDF-1.7\n/ByteRange [0 10 20 99999999] /Contents <zz>\n'.repeat(50));
    const { status, text } = await postPdf(junk);
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ result: 'NOT_FOUND', sha256: sha256(junk) });
  });

  it('refuses an empty body with 400 and JSON with 415', async () => {
    const empty = await postPdf(Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(JSON.parse(empty.text).code).toBe('VALIDATION_FAILED');
    const json = await postBytes('/pdf', Buffer.from(JSON.stringify({ sha256: sha256(signed) })), 'application/json');
    expect(json.status).toBe(415);
  });
});
