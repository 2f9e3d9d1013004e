import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigService } from '@nestjs/config';
import { extractSignature } from '@signpdf/utils';
import * as pkijs from 'pkijs';
import { parties, terms } from '../../../test/support/contract-samples';
import { run, TestPki } from '../../../test/support/test-pki';
import { ContractPdfRenderer } from '../pdf/contract-pdf.renderer';
import { PdfSealer } from './pdf-sealer';
import { DEV_SEAL_ORGANIZATION, sealEnv } from './seal.config';
import { ID_AA_SIGNATURE_TIME_STAMP_TOKEN } from './tsa-client';

/**
 * Seals a real contract with certificates made by openssl for the test and checks the result
 * with poppler's pdfsig (an independent PDF signature verifier) and `openssl ts -verify`.
 * Set CONTRACT_SEAL_PREVIEW_DIR to keep the certificates and PDFs there.
 */

const signedAt = new Date('2026-11-23T12:41:03.456Z');

function sealer(
  env: Record<string, string | undefined>,
  nodeEnv: 'development' | 'test' | 'production' = 'test',
): PdfSealer {
  // Every variable is given (null for "not set"): ConfigService reads its own values before process.env.
  const values = { CONTRACT_SEAL_TSA_URL: null, ...sealEnv.parse(env), NODE_ENV: nodeEnv };
  const sealer = new PdfSealer(new ConfigService(values) as unknown as ConstructorParameters<typeof PdfSealer>[0]);
  sealer.onModuleInit();
  return sealer;
}

describe('PdfSealer', () => {
  let dir: string;
  let pki: TestPki;
  let contract: Buffer;
  let schoolP12: string;
  let devP12: string;
  const school = (extra: Record<string, string> = {}, nodeEnv?: 'production') =>
    sealer({ CONTRACT_SEAL_P12_FILE: schoolP12, CONTRACT_SEAL_P12_PASSPHRASE: 'school-pass', ...extra }, nodeEnv);

  const pdfsig = (name: string, pdf: Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, pdf);
    // pdfsig exits non-zero for an invalid signature: what it prints is what we check.
    const result = spawnSync('pdfsig', [file], { encoding: 'utf8' });
    if (result.error)
      throw new Error(`pdfsig is not installed (apt-get install -y poppler-utils): ${result.error.message}`);
    // Poppler complains on stderr about anything malformed in the file, the seal's update included.
    expect(result.stderr).toBe('');
    return result.stdout;
  };

  beforeAll(async () => {
    const preview = process.env.CONTRACT_SEAL_PREVIEW_DIR;
    dir = preview ? resolve(preview) : mkdtempSync(join(tmpdir(), 'pdf-sealer-'));
    mkdirSync(dir, { recursive: true });
    pki = new TestPki(dir);
    pki.issue('ca', '/O=Test School/CN=Test School Root CA', 'ca');
    pki.issue('school', '/O=Test School/CN=Test School seal', 'seal', 'ca');
    schoolP12 = pki.p12('school', 'ca', 'school-pass');
    pki.issue('devca', `/O=${DEV_SEAL_ORGANIZATION}/CN=OTUS Contract development CA`, 'ca');
    pki.issue('dev', `/O=${DEV_SEAL_ORGANIZATION}/CN=OTUS Contract seal (development)`, 'seal', 'devca');
    devP12 = pki.p12('dev', 'devca', '');
    const renderer = new ContractPdfRenderer();
    renderer.onModuleInit();
    contract = (
      await renderer.renderSigned(parties, terms, new Date('2026-11-23T11:05:09.123Z'), {
        signerName: parties.fullName,
        signedAt,
        ip: '203.0.113.42',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
        codeSentTo: parties.email,
        draftSha256: 'ab'.repeat(32),
        documentId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      })
    ).pdf;
  });

  afterAll(() => {
    if (dir && !process.env.CONTRACT_SEAL_PREVIEW_DIR) rmSync(dir, { recursive: true, force: true });
  });

  it('seals the whole contract so that pdfsig finds the signature valid', async () => {
    const sealed = await school().seal(contract, { signingTime: signedAt });

    const out = pdfsig('sealed.pdf', sealed);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signer Certificate Common Name: Test School seal');
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Signing Hash Algorithm: SHA-256');
    // The CA is not in pdfsig's NSS database: trust is the reader's business, not this test's.
    expect(out).toMatch(/Certificate Validation: Certificate issuer isn't Trusted/);
    // The sealed file is the rendered one plus an incremental update.
    expect(sealed.subarray(0, contract.length - 1).equals(contract.subarray(0, contract.length - 1))).toBe(true);
  });

  it('gives the same bytes for the same PDF and signing time (no timestamp)', async () => {
    const sealer = school();
    const [a, b] = [
      await sealer.seal(contract, { signingTime: signedAt }),
      await sealer.seal(contract, { signingTime: signedAt }),
    ];
    expect(a.equals(b)).toBe(true);
  });

  it('shows a change of one byte of page content as an invalid signature', async () => {
    const sealed = await school().seal(contract, { signingTime: signedAt });
    const { ByteRange } = extractSignature(sealed) as { ByteRange: number[] };
    // A byte in the middle of the first content stream: well inside the first signed range.
    const stream = sealed.indexOf('stream\n') + 'stream\n'.length;
    const at = stream + 40;
    expect(at).toBeLessThan(ByteRange[1]);
    const tampered = Buffer.from(sealed);
    tampered[at] ^= 0x01;

    const out = pdfsig('tampered.pdf', tampered);
    expect(out).not.toContain('Signature is Valid');
    expect(out).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
  });

  it('refuses the development certificate in production, and takes it elsewhere', async () => {
    expect(() => sealer({ CONTRACT_SEAL_P12_FILE: devP12 }, 'production')).toThrow(
      /CONTRACT_SEAL_P12_FILE .* development seal certificate/,
    );
    const out = pdfsig('dev.pdf', await sealer({ CONTRACT_SEAL_P12_FILE: devP12 }, 'development').seal(contract));
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(() => school({}, 'production')).not.toThrow();
  });

  it('names the variable when the PKCS#12 file does not open', () => {
    expect(() => school({ CONTRACT_SEAL_P12_PASSPHRASE: 'wrong' })).toThrow(
      /^CONTRACT_SEAL_P12_FILE \(.*school\.p12\): /,
    );
    expect(() => school({ CONTRACT_SEAL_P12_FILE: join(dir, 'missing.p12') })).toThrow(/^CONTRACT_SEAL_P12_FILE/);
  });

  describe('with a timestamp authority', () => {
    let tsa: Awaited<ReturnType<TestPki['startTsa']>>;
    let tsaUrl: string;

    beforeAll(async () => {
      pki.issue('tsa', '/O=Test School/CN=Test School TSA', 'tsa', 'ca');
      tsa = await pki.startTsa('ca');
      tsaUrl = tsa.url;
    });

    afterAll(() => {
      tsa?.stop();
    });

    it('puts an RFC 3161 token over the signature value into the signature, which openssl verifies', async () => {
      const sealed = await school({ CONTRACT_SEAL_TSA_URL: tsaUrl }).seal(contract);

      const out = pdfsig('stamped.pdf', sealed);
      expect(out).toContain('Signature Validation: Signature is Valid.');
      expect(out).toContain('Total document signed');

      const { signature } = extractSignature(sealed) as { signature: string };
      const cms = pkijs.ContentInfo.fromBER(Buffer.from(signature, 'binary'));
      const signerInfo = new pkijs.SignedData({ schema: cms.content }).signerInfos[0];
      const attribute = signerInfo.unsignedAttrs?.attributes.find((a) => a.type === ID_AA_SIGNATURE_TIME_STAMP_TOKEN);
      expect(attribute).toBeDefined();
      const token = join(dir, 'token.der');
      const signed = join(dir, 'signature-value.bin');
      writeFileSync(token, Buffer.from(attribute!.values[0].toBER()));
      writeFileSync(signed, Buffer.from(signerInfo.signature.valueBlock.valueHexView));
      const verify = run('openssl', [
        'ts',
        '-verify',
        '-in',
        token,
        '-token_in',
        '-data',
        signed,
        '-CAfile',
        join(dir, 'ca.crt'),
      ]);
      expect(verify).toContain('Verification: OK');
    });

    it('fails the seal when the TSA does not answer', async () => {
      await expect(
        school({ CONTRACT_SEAL_TSA_URL: 'http://127.0.0.1:9/', CONTRACT_SEAL_TSA_TIMEOUT_MS: '2000' }).seal(contract),
      ).rejects.toThrow(/timestamp authority http:\/\/127\.0\.0\.1:9\/ did not answer/);
    });
  });
});
