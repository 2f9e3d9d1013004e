import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { DomainError } from '@otus/common';
import type { Response } from 'express';
import type { ApplicationsService } from '../applications/applications.service';
import type { ContractDocument } from '../documents/document.schema';
import type { DocumentsService } from '../documents/documents.service';
import { PageAssets } from '../pages/page-assets';
import { PageRenderer } from '../pages/page-renderer';
import type { SealCheck, SealVerifier } from './seal-verifier';
import { VerificationService } from './verification.service';
import { VerifyPageController } from './verify-page.controller';

// Stand-ins: the real modules pull in Mongoose schemas and the engine client this test does not need.
jest.mock('../documents/documents.service', () => ({ DocumentsService: class {} }));
jest.mock('../applications/applications.service', () => ({ ApplicationsService: class {} }));

const APPLICATION_ID = '3f2a9c1b-5d7e-4a8b-9c0d-1e2f3a4b5c6d';
const FULL_NAME = 'Иванова Екатерина Сергеевна';
const EMAIL = 'ivanova.e@example.org';
const SIGNED_AT = new Date('2026-11-23T12:41:03.456Z');

const signedPdf = Buffer.from('%PDF-1.7 signed contract');
const draftPdf = Buffer.from('%PDF-1.7 draft contract');
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function document(kind: 'draft' | 'signed', pdf: Buffer): ContractDocument {
  return {
    _id: `${APPLICATION_ID}.${kind}`,
    applicationId: APPLICATION_ID,
    kind,
    sha256: sha(pdf),
    size: pdf.length,
    templateId: 'contract-ru',
    templateVersion: '2026.11',
    createdAt: new Date('2026-11-23T12:41:05Z'),
  } as unknown as ContractDocument;
}

const stored = [document('signed', signedPdf), document('draft', draftPdf)];
const plaintext = new Map([
  [stored[0]!._id, signedPdf],
  [stored[1]!._id, draftPdf],
]);

const OURS: SealCheck = { sealed: true, intact: true, coversWholeDocument: true, signedByUs: true };
const UNSEALED: SealCheck = { sealed: false, intact: false, coversWholeDocument: false, signedByUs: false };

function setup(seal: (pdf: Buffer) => SealCheck = () => OURS, application: object | null = {}) {
  const documents = {
    findBySha256: jest.fn(async (hash: string) => stored.find((d) => d.sha256 === hash.toLowerCase()) ?? null),
    open: jest.fn((d: ContractDocument) => plaintext.get(d._id)!),
  };
  const applications = {
    get: jest.fn(async (id: string) => {
      if (!application || id !== APPLICATION_ID) {
        throw new DomainError('APPLICATION_NOT_FOUND', `No application ${id}`, { status: 404 });
      }
      return {
        _id: APPLICATION_ID,
        clientName: FULL_NAME,
        clientEmail: EMAIL,
        fullName: FULL_NAME,
        signature: { signerName: FULL_NAME, signedAt: SIGNED_AT, codeSentTo: EMAIL, ip: '203.0.113.42' },
        ...application,
      };
    }),
  };
  const verifier = { verify: jest.fn(async (pdf: Buffer) => seal(pdf)) };
  const service = new VerificationService(
    documents as unknown as DocumentsService,
    applications as unknown as ApplicationsService,
    verifier as unknown as SealVerifier,
  );
  return { service, documents, verifier };
}

function expectNoPersonalData(body: unknown) {
  const text = JSON.stringify(body);
  expect(text).not.toContain(FULL_NAME.split(' ')[0]);
  expect(text).not.toContain(EMAIL);
  expect(text).not.toContain(APPLICATION_ID);
  expect(text).not.toContain('203.0.113.42');
}

describe('VerificationService', () => {
  describe('by SHA-256', () => {
    it('says VALID for a signed contract, with its number, time, masked signer and seal', async () => {
      const { service, verifier } = setup();
      const answer = await service.bySha256(sha(signedPdf).toUpperCase());
      expect(answer).toEqual({
        result: 'VALID',
        sha256: sha(signedPdf),
        contractNumber: '3F2A9C1B',
        signedAt: SIGNED_AT.toISOString(),
        signer: 'И****** Е. С.',
        templateVersion: '2026.11',
        sealIntact: true,
        sealedByUs: true,
      });
      // The seal of the stored copy: the same bytes as the caller's file.
      expect(verifier.verify).toHaveBeenCalledWith(signedPdf);
      expectNoPersonalData(answer);
    });

    it('accepts the right contract number and answers a wrong one exactly like an unknown hash', async () => {
      const { service } = setup();
      expect((await service.bySha256(sha(signedPdf), '3F2A9C1B')).result).toBe('VALID');
      const wrong = await service.bySha256(sha(signedPdf), '3F2A9C1C');
      const unknown = await service.bySha256('0'.repeat(64));
      expect(wrong).toEqual({ result: 'NOT_FOUND', sha256: sha(signedPdf) });
      expect(Object.keys(wrong)).toEqual(Object.keys(unknown));
      expect(unknown).toEqual({ result: 'NOT_FOUND', sha256: '0'.repeat(64) });
    });

    it('says only DRAFT for a draft, and NOT_FOUND for a draft under a wrong number', async () => {
      const { service, verifier } = setup();
      expect(await service.bySha256(sha(draftPdf))).toEqual({ result: 'DRAFT', sha256: sha(draftPdf) });
      expect(await service.bySha256(sha(draftPdf), 'AAAAAAAA')).toEqual({ result: 'NOT_FOUND', sha256: sha(draftPdf) });
      expect(verifier.verify).not.toHaveBeenCalled();
    });

    it('leaves the seal fields out for a contract stored before sealing began', async () => {
      const { service } = setup(() => UNSEALED);
      const answer = await service.bySha256(sha(signedPdf));
      expect(answer.result).toBe('VALID');
      expect(answer).not.toHaveProperty('sealIntact');
      expect(answer).not.toHaveProperty('sealedByUs');
    });

    it('still says VALID without the signer when the application is gone', async () => {
      const { service } = setup(() => OURS, null);
      const answer = await service.bySha256(sha(signedPdf));
      expect(answer).toMatchObject({ result: 'VALID', contractNumber: '3F2A9C1B' });
      expect(answer).not.toHaveProperty('signer');
    });
  });

  describe('by the PDF', () => {
    it('says VALID for the signed contract and checks the seal of the uploaded bytes', async () => {
      const { service, verifier, documents } = setup();
      const answer = await service.byPdf(signedPdf);
      expect(answer).toMatchObject({ result: 'VALID', sha256: sha(signedPdf), sealIntact: true, sealedByUs: true });
      expect(verifier.verify).toHaveBeenCalledWith(signedPdf);
      expect(documents.open).not.toHaveBeenCalled();
      expectNoPersonalData(answer);
    });

    it('says DRAFT for the draft', async () => {
      expect(await setup().service.byPdf(draftPdf)).toEqual({ result: 'DRAFT', sha256: sha(draftPdf) });
    });

    it('says SEAL_BROKEN for an unknown file whose seal of ours no longer matches it', async () => {
      const changed = Buffer.from('%PDF-1.7 signed contracT');
      const broken = setup(() => ({ ...OURS, intact: false }));
      expect(await broken.service.byPdf(changed)).toEqual({
        result: 'SEAL_BROKEN',
        sha256: sha(changed),
        sealIntact: false,
        sealedByUs: true,
      });
      const appended = setup(() => ({ ...OURS, coversWholeDocument: false }));
      expect((await appended.service.byPdf(changed)).result).toBe('SEAL_BROKEN');
    });

    it('says NOT_REGISTERED for an intact seal of ours over a file the register does not know', async () => {
      const other = Buffer.from('%PDF-1.7 sealed elsewhere');
      expect(await setup().service.byPdf(other)).toEqual({
        result: 'NOT_REGISTERED',
        sha256: sha(other),
        sealIntact: true,
        sealedByUs: true,
      });
    });

    it('says NOT_FOUND for an unknown file without our seal', async () => {
      const other = Buffer.from('%PDF-1.7 anything');
      expect(await setup(() => UNSEALED).service.byPdf(other)).toEqual({ result: 'NOT_FOUND', sha256: sha(other) });
      const foreign = setup(() => ({ ...OURS, signedByUs: false }));
      expect(await foreign.service.byPdf(other)).toEqual({ result: 'NOT_FOUND', sha256: sha(other) });
    });
  });
});

describe('the check page', () => {
  const renderer = new PageRenderer(new PageAssets());

  function respond() {
    const sent: { status: number; body: string; headers: Record<string, string> } = {
      status: 0,
      body: '',
      headers: {},
    };
    const res = {
      status(code: number) {
        sent.status = code;
        return res;
      },
      set(headers: Record<string, string>) {
        Object.assign(sent.headers, headers);
        return res;
      },
      send(body: string) {
        sent.body = body;
        return res;
      },
    };
    return { res: res as unknown as Response, sent };
  }

  function page() {
    const { service } = setup();
    return new VerifyPageController(service, renderer);
  }

  it('shows the form and the (script-only) file zone, every result block hidden, and the script', () => {
    const { res, sent } = respond();
    page().page(res);
    expect(sent.status).toBe(200);
    expect(sent.headers['Content-Security-Policy']).toContain("script-src 'self'");
    expect(sent.body).toContain('<form class="card form verify-form" id="verify-form" method="post" action="/verify">');
    expect(sent.body).toContain('name="contractNumber"');
    expect(sent.body).toContain('name="sha256"');
    expect(sent.body).toMatch(/<section class="card verify-file"[^>]*data-verify-file hidden>/);
    expect(sent.body).toContain('Перетащите PDF договора');
    expect(sent.body).toMatch(/<script src="\/client\/assets\/verify\.js\?v(=|&#x3D;)[0-9a-f]{12}" defer><\/script>/);
    for (const code of ['VALID', 'DRAFT', 'NOT_FOUND', 'SEAL_BROKEN', 'NOT_REGISTERED']) {
      expect(sent.body).toMatch(new RegExp(`data-verify-result="${code}" hidden>`));
    }
    expect(sent.body).not.toMatch(/<script>|style="/);
  });

  it('answers the form (number in any case, hash with spaces) with the result in Russian', async () => {
    const { res, sent } = respond();
    const spaced = sha(signedPdf).replace(/(..)/g, '$1 ').toUpperCase();
    await page().check({ contractNumber: ' 3f2a9c1b ', sha256: spaced }, res);
    expect(sent.status).toBe(200);
    const text = sent.body.replace(/\s+/g, ' ');
    expect(text).toContain('<title>Договор подписан и не изменён — OTUS</title>');
    expect(text).toContain(
      'Договор № <strong data-slot="contractNumber">3F2A9C1B</strong> подписан <span data-slot="signedAt">23 ноября 2026 г. в 15:41 (МСК)</span>.',
    );
    expect(text).toContain('<dd data-slot="signer">И****** Е. С.</dd>');
    expect(text).toContain('версия <span data-slot="templateVersion">2026.11</span>');
    expect(text).toMatch(/data-slot="seal"[^>]*>цела<\/dd>/);
    expect(text).toMatch(/data-verify-result="VALID">/);
    expect(text).not.toContain(FULL_NAME);
    expect(text).not.toContain(EMAIL);
  });

  it('says a wrong number finds nothing, and a draft is not signed', async () => {
    const wrong = respond();
    await page().check({ contractNumber: 'AAAAAAAA', sha256: sha(signedPdf) }, wrong.res);
    expect(wrong.sent.body).toMatch(/data-verify-result="NOT_FOUND">\s*<h2>Документ не найден<\/h2>/);
    expect(wrong.sent.body).toContain('Он не выдавался школой через OTUS Contract или был изменён.');
    const draft = respond();
    await page().check({ sha256: sha(draftPdf) }, draft.res);
    expect(draft.sent.body).toMatch(/data-verify-result="DRAFT">\s*<h2>Это проект договора, он не подписан<\/h2>/);
  });

  it('answers a wrong form with 400, the messages at the fields and the values kept', async () => {
    const { res, sent } = respond();
    await page().check({ contractNumber: 'XYZ', sha256: 'abc', extra: 'ignored' }, res);
    expect(sent.status).toBe(400);
    expect(sent.body).toContain('class="error-summary"');
    expect(sent.body).toContain('Номер договора — 8 символов: цифры 0–9 и латинские буквы A–F');
    expect(sent.body).toContain('SHA-256 — 64 символа: цифры 0–9 и латинские буквы a–f');
    expect(sent.body).toContain('id="f-sha256" name="sha256" type="text" value="abc"');
    expect(sent.body).toContain('aria-invalid="true"');
  });

  it('refuses a missing hash and a non-string value without a 500', async () => {
    const { res, sent } = respond();
    await page().check({ contractNumber: ['3F2A9C1B'] }, res);
    expect(sent.status).toBe(400);
    expect(sent.body).toContain('SHA-256 — 64 символа');
  });
});
