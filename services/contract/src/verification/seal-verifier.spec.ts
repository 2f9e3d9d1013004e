import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigService } from '@nestjs/config';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import PDFDocument from 'pdfkit';
import { TestPki } from '../../test/support/test-pki';
import { PdfSealer } from '../documents/seal/pdf-sealer';
import { sealEnv } from '../documents/seal/seal.config';
import { SealVerifier } from './seal-verifier';

/**
 * Real seals: throwaway CAs and seal certificates made with openssl, a PDF made with pdfkit and
 * sealed by the contract service's own PdfSealer (@signpdf with a CAdES signer), with and
 * without a time-stamp from the development TSA (stack/tsa).
 */

const PASSPHRASE = 'test-seal-passphrase';
const SIGNED_AT = new Date('2026-11-23T12:41:03.000Z');

let dir: string;
let pki: TestPki;
let ourP12: string;
let otherP12: string;
let unsigned: Buffer;
let sealed: Buffer;
let verifier: SealVerifier;

/** A CA of its own (`name`-ca) and, issued by it, the seal certificate `name` in `name`.p12. */
function issue(name: string, subject: string): string {
  pki.issue(`${name}-ca`, `/CN=${name} test CA`, 'ca');
  pki.issue(name, subject, 'seal', `${name}-ca`);
  return pki.p12(name, `${name}-ca`, PASSPHRASE);
}

function config(env: Record<string, string>): ConfigService {
  const service = new ConfigService({ ...sealEnv.parse(env), NODE_ENV: 'test' });
  // Only these values: a CONTRACT_SEAL_* of the shell running the test must not leak in.
  (service as unknown as { skipProcessEnv: boolean }).skipProcessEnv = true;
  return service;
}

function sealer(p12: string, env: Record<string, string> = {}): PdfSealer {
  const sealer = new PdfSealer(
    config({
      CONTRACT_SEAL_P12_FILE: p12,
      CONTRACT_SEAL_P12_PASSPHRASE: PASSPHRASE,
      ...env,
    }) as unknown as ConstructorParameters<typeof PdfSealer>[0],
  );
  sealer.onModuleInit();
  return sealer;
}

function pdf(text: string): Promise<Buffer> {
  return new Promise((done, fail) => {
    const doc = new PDFDocument({ size: 'A4', compress: false });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => done(Buffer.concat(chunks)));
    doc.on('error', fail);
    doc.text(text);
    doc.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'contract-seal-check-'));
  pki = new TestPki(dir);
  ourP12 = issue('otus', '/CN=OTUS Contract Seal/O=ООО «Отус онлайн-образование»');
  otherP12 = issue('other', '/CN=Someone Else/O=Other Ltd');
  unsigned = await pdf('Contract No. 3F2A9C1B');
  sealed = await sealer(ourP12).seal(unsigned, { signingTime: SIGNED_AT });
  verifier = new SealVerifier(sealer(ourP12).certificate);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SealVerifier', () => {
  it('finds an intact seal of ours over the whole file, with the time of /M', async () => {
    expect(await verifier.verify(sealed)).toEqual({
      sealed: true,
      intact: true,
      coversWholeDocument: true,
      signedByUs: true,
      signingTime: SIGNED_AT,
      signer: 'OTUS Contract Seal, ООО «Отус онлайн-образование»',
      timestamped: false,
    });
  });

  it('finds the seal broken when one byte inside the signed range changed', async () => {
    const tampered = Buffer.from(sealed);
    const at = tampered.indexOf('(PDFKit)');
    expect(at).toBeGreaterThan(0);
    tampered[at + 1] = 'Q'.charCodeAt(0);
    expect(await verifier.verify(tampered)).toMatchObject({
      sealed: true,
      intact: false,
      coversWholeDocument: true,
      signedByUs: true,
    });
  });

  it('tells an intact seal that no longer covers the whole file (an update appended after sealing)', async () => {
    const appended = Buffer.concat([sealed, Buffer.from('\n1 0 obj\n(changed)\nendobj\n%%EOF\n')]);
    expect(await verifier.verify(appended)).toMatchObject({
      sealed: true,
      intact: true,
      coversWholeDocument: false,
      signedByUs: true,
    });
  });

  it('tells a seal made with another certificate', async () => {
    const foreign = await sealer(otherP12).seal(unsigned, { signingTime: SIGNED_AT });
    expect(await verifier.verify(foreign)).toMatchObject({
      sealed: true,
      intact: true,
      coversWholeDocument: true,
      signedByUs: false,
      signer: 'Someone Else, Other Ltd',
    });
  });

  it('is never ours without a configured certificate', async () => {
    expect(await new SealVerifier(null).verify(sealed)).toMatchObject({
      sealed: true,
      intact: true,
      signedByUs: false,
    });
  });

  it.each([
    ['random bytes', () => randomBytes(4096)],
    ['an empty file', () => Buffer.alloc(0)],
    ['an unsigned PDF', () => unsigned],
    [
      'a PDF with an unfilled placeholder',
      () => plainAddPlaceholder({ pdfBuffer: unsigned, reason: 'r', contactInfo: '', name: 'n', location: 'l' }),
    ],
    ['a sealed PDF cut short', () => sealed.subarray(0, Math.floor(sealed.length * 0.9))],
    [
      'a signature of garbage',
      () => Buffer.from(sealed.toString('latin1').replace(/<30[0-9a-f]{40}/i, '<30ffffffff'), 'latin1'),
    ],
  ])('says %s is not sealed, without throwing', async (_, make) => {
    expect(await verifier.verify(make())).toMatchObject({ sealed: false, intact: false, signedByUs: false });
  });

  describe('with a time-stamp', () => {
    let tsa: Awaited<ReturnType<TestPki['startTsa']>> | undefined;

    afterAll(() => {
      tsa?.stop();
    });

    it('takes the time from a valid time-stamp token over the signature', async () => {
      pki.issue('tsa-ca', '/CN=tsa test CA', 'ca');
      pki.issue('tsa', '/O=Test School/CN=Test TSA', 'tsa', 'tsa-ca');
      tsa = await pki.startTsa('tsa-ca');
      const { url } = tsa;

      const before = Date.now();
      const stamped = await sealer(ourP12, { CONTRACT_SEAL_TSA_URL: url }).seal(unsigned, { signingTime: SIGNED_AT });
      const check = await verifier.verify(stamped);
      expect(check).toMatchObject({
        sealed: true,
        intact: true,
        coversWholeDocument: true,
        signedByUs: true,
        timestamped: true,
      });
      // The token's time (now), not the /M the sealer was given.
      expect(check.signingTime!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    });
  });
});
