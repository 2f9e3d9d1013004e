import 'reflect-metadata';
import { generateKeyPairSync, sign } from 'node:crypto';
import { Readable } from 'node:stream';
import { type INestApplication, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { AuthModule, configureApp, DomainError, httpAdapter, loggerModule } from '@otus/common';
import type { ApplicationDocument } from '../applications/application.schema';
import { AuditService } from '../audit/audit.service';
import { ClientApiController } from '../client/client-api.controller';
import { ClientService, type ClientState, type ClientView } from '../client/client.service';
import { DocumentsService } from '../documents/documents.service';
import { SigningService } from '../signing/signing.service';
import { ClientPagesController } from './client-pages.controller';
import { ClientPagesService } from './client-pages.service';
import { LinkPageController } from './link-page.controller';
import { PageAssets } from './page-assets';
import { PageRenderer } from './page-renderer';
import { PagesExceptionFilter } from './pages-exception.filter';
import { validForm } from '@otus/testing';

// Stand-ins: this spec is about HTTP (the session, the ownership check, the forms' answers), not the database.
jest.mock('../client/client.service', () => ({ ClientService: class {} }));
jest.mock('../signing/signing.service', () => ({ SigningService: class {} }));
jest.mock('../documents/documents.service', () => ({ DocumentsService: class {} }));
jest.mock('../audit/audit.service', () => ({ AuditService: class {} }));

const A = '6fde212c-2952-44b6-80a3-f69f0c8a0b69';
const B = '0b5c7a41-9a51-4c27-8f0e-3c1d2e4f5a6b';
const ISSUER = 'otus-test';
const AUDIENCE = 'otus-test';

/** Applications by id, each with the state its page shows. */
const states = new Map<string, ClientState>();
const application = (id: string) => ({ _id: id, courseCode: 'NODE-1', clientEmail: 'anna@example.test' });
const clients = {
  privacyPolicy: { policyUrl: 'https://school.example/privacy', policyVersion: '2026-11' },
  application: jest.fn(async (id: string) => {
    if (!states.has(id)) throw new DomainError('APPLICATION_NOT_FOUND', `No application ${id}`, { status: 404 });
    return application(id) as unknown as ApplicationDocument;
  }),
  opened: jest.fn(async () => undefined),
  submit: jest.fn(async () => undefined),
  view: jest.fn(async (a: ApplicationDocument): Promise<ClientView> => ({
    applicationId: a._id,
    state: states.get(a._id)!,
    outcome: null,
    outcomeReason: null,
    clientName: 'Анна Смирнова',
    course: {
      code: 'NODE-1',
      title: 'Разработчик Node.js',
      startDate: '2026-12-23',
      priceKopecks: 9_900_000,
      discountKopecks: null,
      finalPriceKopecks: null,
      promoStatus: null,
    },
    linkExpiresAt: null,
    signDeadline: null,
    cancelReasonText: null,
    documents: { draft: true, signed: false },
    corrections: { max: 2, used: 0, left: 2, allowed: states.get(a._id) === 'SIGNING' },
  })),
  corrections: jest.fn(async (a: ApplicationDocument) => ({
    max: 2,
    used: 0,
    left: 2,
    allowed: states.get(a._id) === 'SIGNING',
  })),
  correctionValues: jest.fn(() => correction()),
  correct: jest.fn(async () => 1),
};
const signing = {
  state: jest.fn(async () => null),
  sendCode: jest.fn(async () => ({ sentAt: 'now' })),
  sign: jest.fn(async () => undefined),
  decline: jest.fn(async () => undefined),
};
const documents = {
  current: jest.fn(async (id: string) => ({ _id: `${id}-draft`, sha256: 'ab'.repeat(32) })),
  open: jest.fn(() => Readable.from([Buffer.from('%PDF-1.7')])),
};
const audit = { record: jest.fn(async () => undefined) };

@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), loggerModule('contract'), AuthModule],
  controllers: [ClientApiController, LinkPageController, ClientPagesController],
  providers: [
    { provide: ClientService, useValue: clients },
    { provide: SigningService, useValue: signing },
    { provide: DocumentsService, useValue: documents },
    { provide: AuditService, useValue: audit },
    ClientPagesService,
    PageAssets,
    PageRenderer,
    PagesExceptionFilter,
  ],
})
class HttpTestModule {}

let app: INestApplication;
let base: string;
let session: (applicationId: string, expiresAt?: number) => Promise<string>;

beforeAll(async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test', alg: 'ES256', use: 'sig' };
  Object.assign(process.env, {
    LOG_LEVEL: 'silent',
    AUTH_JWKS: JSON.stringify({ keys: [jwk] }),
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
  });
  // A link session as the user service issues it (ES256): the application is the subject, another audience than staff.
  session = async (applicationId, expiresAt = Math.floor(Date.now() / 1000) + 1800) => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: applicationId, iss: ISSUER, aud: `${AUDIENCE}-client`, iat: now, exp: expiresAt };
    const input = `${part({ alg: 'ES256', kid: 'test', typ: 'JWT' })}.${part(claims)}`;
    const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return Promise.resolve(`otus_client=${input}.${signature.toString('base64url')}`);
  };
  const moduleRef = await Test.createTestingModule({ imports: [HttpTestModule] }).compile();
  app = moduleRef.createNestApplication(httpAdapter(), { bufferLogs: true, logger: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});

afterAll(() => app?.close());
beforeEach(() => {
  jest.clearAllMocks();
  states.clear();
  states.set(A, 'FORM');
  states.set(B, 'FORM');
});

interface Call {
  cookie?: string;
  body?: string | Record<string, unknown>;
  headers?: Record<string, string>;
}

async function call(method: string, path: string, { cookie, body, headers = {} }: Call = {}) {
  const form = typeof body === 'object';
  const res = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(body === undefined
        ? {}
        : { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }),
      'user-agent': 'Firefox',
      ...headers,
    },
    body: form ? new URLSearchParams(body as Record<string, string>).toString() : body,
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as { code?: string }) : null;
  return {
    status: res.status,
    code: json?.code,
    html: text.replace(/\s+/g, ' '),
    location: res.headers.get('location'),
  };
}

/** Every route a session reaches, the JSON API's and the pages', with a body it accepts. */
const API = (id: string): [string, string, Call['body']][] => [
  ['GET', `/client/api/applications/${id}`, undefined],
  ['POST', `/client/api/applications/${id}/form`, JSON.stringify(validForm())],
  ['POST', `/client/api/applications/${id}/signing-code`, undefined],
  ['POST', `/client/api/applications/${id}/signature`, JSON.stringify({ signingCode: '123456' })],
  ['POST', `/client/api/applications/${id}/decline`, JSON.stringify({ reason: 'Передумал' })],
  ['POST', `/client/api/applications/${id}/correction`, JSON.stringify(correction())],
  ['GET', `/client/api/applications/${id}/documents/draft`, undefined],
];
const PAGES = (id: string): [string, string, Call['body']][] => [
  ['GET', `/client/${id}`, undefined],
  ['POST', `/client/${id}/form`, validForm()],
  ['POST', `/client/${id}/signing-code`, undefined],
  ['POST', `/client/${id}/signature`, { signingCode: '123456' }],
  ['GET', `/client/${id}/decline`, undefined],
  ['POST', `/client/${id}/decline`, { reason: 'Передумал' }],
  ['GET', `/client/${id}/correction`, undefined],
  ['POST', `/client/${id}/correction`, correction()],
];
/** The form's fields (validForm has no promo code, which a correction cannot change). */
const correction = () => validForm();
const touched = () =>
  [
    clients.opened,
    clients.submit,
    clients.view,
    clients.correct,
    clients.corrections,
    signing.sendCode,
    signing.sign,
    signing.decline,
    documents.current,
    audit.record,
  ]
    .map((fn) => fn.mock.calls.length)
    .reduce((a, b) => a + b, 0);

describe('the session and its one application, on every client route', () => {
  it.each([...API(A), ...PAGES(A)])('%s %s: the session’s own application is served', async (method, path, body) => {
    const { status } = await call(method, path, { cookie: await session(A), body });
    expect([200, 202, 204, 303]).toContain(status);
  });

  it.each([...API(B), ...PAGES(B)])(
    '%s %s with the session of another application: 404, nothing read or done',
    async (method, path, body) => {
      const answer = await call(method, path, { cookie: await session(A), body });
      expect(answer.status).toBe(404);
      if (path.startsWith('/client/api/')) expect(answer.code).toBe('APPLICATION_NOT_FOUND');
      else expect(answer.html).toContain('Страница не найдена');
      expect(clients.application).not.toHaveBeenCalled();
      expect(touched()).toBe(0);
    },
  );

  it.each([
    ['in capitals', A.toUpperCase()],
    ['with a trailing space', `${A}%20`],
    ['with a NUL', `${A}%00`],
    ['climbing to another', `${A}%2F..%2F${B}`],
    ['as a query operator', encodeURIComponent('{"$ne":null}')],
  ])('the own id %s is another id: 404 on the API and the pages', async (_, id) => {
    const cookie = await session(A);
    for (const [method, path, body] of [...API(id), ...PAGES(id)]) {
      expect([method, path, (await call(method, path, { cookie, body })).status]).toEqual([method, path, 404]);
    }
    expect(touched()).toBe(0);
  });

  it('the own id percent-encoded is the same id', async () => {
    const encoded = [...A].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    expect((await call('GET', `/client/api/applications/${encoded}`, { cookie: await session(A) })).status).toBe(200);
  });

  it('without a session, or with an expired one: 401, on the API in JSON and on the pages as the page that says so', async () => {
    const expired = await session(A, Math.floor(Date.now() / 1000) - 60);
    for (const cookie of [undefined, expired, 'otus_client=not-a-token']) {
      const api = await call('GET', `/client/api/applications/${A}`, { cookie });
      expect([api.status, api.code]).toEqual([401, 'UNAUTHENTICATED']);
      const page = await call('GET', `/client/${A}`, { cookie });
      expect(page.status).toBe(401);
      expect(page.html).toContain('Откройте ссылку из письма ещё раз');
    }
    expect(touched()).toBe(0);
  });

  it('answers in the order it did: session 401, content type 415, same site 403, then ownership 404', async () => {
    const cookie = await session(A);
    const crossSite = { 'sec-fetch-site': 'cross-site' };
    // A JSON body where the pages take a form: refused for its type before anything else.
    expect((await call('POST', `/client/${B}/form`, { cookie, body: '{}', headers: crossSite })).status).toBe(415);
    expect(
      (
        await call('POST', `/client/api/applications/${B}/form`, {
          cookie,
          body: 'a=1',
          headers: { 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(415);
    const foreign = await call('POST', `/client/${B}/form`, { cookie, body: validForm(), headers: crossSite });
    expect(foreign.status).toBe(403);
    expect(foreign.html).toContain('Запрос отклонён');
    expect((await call('POST', `/client/${B}/form`, { body: validForm(), headers: crossSite })).status).toBe(401);
    // Reading a page is not a form: the same-site check does not apply.
    expect((await call('GET', `/client/${A}`, { cookie, headers: crossSite })).status).toBe(200);
  });

  it('an unknown kind of document is DOCUMENT_NOT_FOUND on the own application, and the id is checked first', async () => {
    const cookie = await session(A);
    const own = await call('GET', `/client/api/applications/${A}/documents/x`, { cookie });
    expect([own.status, own.code]).toEqual([404, 'DOCUMENT_NOT_FOUND']);
    // Before @ClientAccess the route judged the kind first and answered DOCUMENT_NOT_FOUND here.
    const other = await call('GET', `/client/api/applications/${B}/documents/x`, { cookie });
    expect([other.status, other.code]).toEqual([404, 'APPLICATION_NOT_FOUND']);
  });

  it('writes the client, its address and browser into the audit trail and the signature', async () => {
    const cookie = await session(A);
    await call('GET', `/client/api/applications/${A}`, { cookie });
    expect(clients.opened).toHaveBeenCalledWith(
      expect.objectContaining({ _id: A }),
      expect.objectContaining({ actor: 'client', ip: expect.any(String), userAgent: 'Firefox' }),
    );
    await call('POST', `/client/api/applications/${A}/signature`, {
      cookie,
      body: JSON.stringify({ signingCode: '123456' }),
      headers: { 'user-agent': '' },
    });
    expect(signing.sign).toHaveBeenCalledWith(expect.objectContaining({ _id: A }), '123456', {
      actor: 'client',
      ip: expect.any(String),
      userAgent: '',
    });
    await call('GET', `/client/api/applications/${A}/documents/draft?download=1`, { cookie });
    expect(audit.record).toHaveBeenCalledWith(A, 'document.downloaded', expect.objectContaining({ actor: 'client' }), {
      kind: 'draft',
      sha256: 'ab'.repeat(32),
    });
  });
});

describe('the pages’ forms: a refusal is the page again, a stale state a 303', () => {
  it('form: 303 to the page; wrong fields are the form again, 400, with the messages and the values', async () => {
    const cookie = await session(A);
    const ok = await call('POST', `/client/${A}/form`, { cookie, body: validForm() });
    expect([ok.status, ok.location]).toEqual([303, `/client/${A}`]);
    const wrong = await call('POST', `/client/${A}/form`, { cookie, body: { ...validForm(), passportSeries: '45' } });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('Серия паспорта — 4 цифры');
    expect(wrong.html).toContain('value="45"');
    expect(wrong.html).toContain('Петров Иван Сергеевич');
    expect(clients.submit).toHaveBeenCalledTimes(1);
    // The service's own rule (a date) is the same VALIDATION_FAILED, shown the same way.
    clients.submit.mockRejectedValueOnce(
      new DomainError('VALIDATION_FAILED', 'invalid', {
        status: 400,
        details: [{ field: 'birthDate', errors: ['Укажите настоящую дату рождения'] }],
      }),
    );
    const rule = await call('POST', `/client/${A}/form`, { cookie, body: validForm() });
    expect(rule.status).toBe(400);
    expect(rule.html).toContain('Укажите настоящую дату рождения');
  });

  it('form sent twice (another tab): 303 to the page as it is now', async () => {
    clients.submit.mockRejectedValueOnce(new DomainError('FORM_CLOSED', 'closed', { status: 409 }));
    const again = await call('POST', `/client/${A}/form`, { cookie: await session(A), body: validForm() });
    expect([again.status, again.location]).toEqual([303, `/client/${A}`]);
  });

  it('signing code: 303 to #code; too soon is the signing page with the wait, 429; not signable a 303', async () => {
    states.set(A, 'SIGNING');
    const cookie = await session(A);
    const ok = await call('POST', `/client/${A}/signing-code`, { cookie });
    expect([ok.status, ok.location]).toEqual([303, `/client/${A}#code`]);
    signing.sendCode.mockRejectedValueOnce(
      new DomainError('CODE_RESEND_TOO_SOON', 'wait', {
        status: 429,
        details: { canResendAt: new Date(Date.now() + 42_000).toISOString() },
      }),
    );
    const soon = await call('POST', `/client/${A}/signing-code`, { cookie });
    expect(soon.status).toBe(429);
    expect(soon.html).toContain('Код уже отправлен');
    signing.sendCode.mockRejectedValueOnce(new DomainError('APPLICATION_NOT_SIGNABLE', 'no', { status: 409 }));
    const stale = await call('POST', `/client/${A}/signing-code`, { cookie });
    expect([stale.status, stale.location]).toEqual([303, `/client/${A}`]);
  });

  it('signature: a malformed code 400, a wrong one 422 with the tries left, on the page loaded once', async () => {
    states.set(A, 'SIGNING');
    const cookie = await session(A);
    const malformed = await call('POST', `/client/${A}/signature`, { cookie, body: { signingCode: '12' } });
    expect(malformed.status).toBe(400);
    expect(malformed.html).toContain('Код — 6 цифр из письма');
    expect(signing.sign).not.toHaveBeenCalled();
    clients.application.mockClear();
    signing.sign.mockRejectedValueOnce(
      new DomainError('CODE_INVALID', 'wrong', { status: 422, details: { attemptsLeft: 4 } }),
    );
    const wrong = await call('POST', `/client/${A}/signature`, { cookie, body: { signingCode: '654321' } });
    expect(wrong.status).toBe(422);
    expect(wrong.html).toContain('Осталось 4 попытки');
    // The page shows the application the route acted on, not one read again after the refusal.
    expect(clients.application).toHaveBeenCalledTimes(1);
    const right = await call('POST', `/client/${A}/signature`, { cookie, body: { signingCode: '123 456' } });
    expect([right.status, right.location]).toEqual([303, `/client/${A}`]);
    expect(signing.sign).toHaveBeenLastCalledWith(expect.objectContaining({ _id: A }), '123456', expect.anything());
  });

  it('correction: the prefilled form; a wrong field 400 with the form again; over the limit 409 on the signing page; then 303', async () => {
    states.set(A, 'SIGNING');
    const cookie = await session(A);
    const step = await call('GET', `/client/${A}/correction`, { cookie });
    expect(step.status).toBe(200);
    expect(step.html).toContain('<h1>Исправление данных</h1>');
    expect(step.html).toContain('value="Петров Иван Сергеевич"');
    const wrong = await call('POST', `/client/${A}/correction`, {
      cookie,
      body: { ...correction(), passportNumber: '12' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('<h1>Исправление данных</h1>');
    expect(wrong.html).toContain('Номер паспорта — 6 цифр');
    expect(clients.correct).not.toHaveBeenCalled();
    clients.correct.mockRejectedValueOnce(
      new DomainError('CORRECTION_LIMIT_REACHED', 'no', { status: 409, details: { maxCorrections: 2, used: 2 } }),
    );
    const spent = await call('POST', `/client/${A}/correction`, { cookie, body: correction() });
    expect(spent.status).toBe(409);
    expect(spent.html).toContain('Данные уже исправлены 2 раза');
    clients.correct.mockRejectedValueOnce(new DomainError('APPLICATION_CHANGED', 'signed', { status: 409 }));
    const stale = await call('POST', `/client/${A}/correction`, { cookie, body: correction() });
    expect([stale.status, stale.location]).toEqual([303, `/client/${A}`]);
    const ok = await call('POST', `/client/${A}/correction`, { cookie, body: correction() });
    expect([ok.status, ok.location]).toEqual([303, `/client/${A}`]);
    expect(clients.correct).toHaveBeenLastCalledWith(
      expect.objectContaining({ _id: A }),
      expect.objectContaining({ fullName: 'Петров Иван Сергеевич', passportNumber: '987654' }),
      expect.anything(),
    );
    // Not while the draft is being made: back to the page.
    states.set(A, 'PREPARING_DRAFT');
    const early = await call('GET', `/client/${A}/correction`, { cookie });
    expect([early.status, early.location]).toEqual([303, `/client/${A}`]);
  });

  it('correction through the API: a promo code cannot be changed (400)', async () => {
    states.set(A, 'SIGNING');
    const cookie = await session(A);
    const promo = await call('POST', `/client/api/applications/${A}/correction`, {
      cookie,
      body: JSON.stringify({ ...correction(), promoCode: 'SPRING10' }),
    });
    expect(promo.status).toBe(400);
    expect(clients.correct).not.toHaveBeenCalled();
  });

  it('decline: an empty reason is the confirm page with the message, 400; a reason 303', async () => {
    states.set(A, 'SIGNING');
    const cookie = await session(A);
    const empty = await call('POST', `/client/${A}/decline`, { cookie, body: { reason: ' ' } });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('Напишите, пожалуйста, причину');
    const ok = await call('POST', `/client/${A}/decline`, { cookie, body: { reason: 'Передумал' } });
    expect([ok.status, ok.location]).toEqual([303, `/client/${A}`]);
    expect(signing.decline).toHaveBeenCalledWith(
      expect.objectContaining({ _id: A }),
      { reason: 'Передумал' },
      expect.anything(),
    );
  });

  it('decline: a chosen reason needs no words, "other" does, an unknown one is refused', async () => {
    states.set(A, 'SIGNING');
    const cookie = await session(A);
    const other = await call('POST', `/client/${A}/decline`, { cookie, body: { reasonCode: 'OTHER', reason: '' } });
    expect(other.status).toBe(400);
    expect(other.html).toContain('Напишите, пожалуйста, причину');
    expect(other.html).toContain('value="OTHER" checked>');
    const unknown = await call('POST', `/client/${A}/decline`, { cookie, body: { reasonCode: 'BORED', reason: 'x' } });
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('Выберите причину из списка');
    expect(signing.decline).not.toHaveBeenCalled();
    const price = await call('POST', `/client/${A}/decline`, { cookie, body: { reasonCode: 'PRICE', reason: '' } });
    expect([price.status, price.location]).toEqual([303, `/client/${A}`]);
    expect(signing.decline).toHaveBeenCalledWith(
      expect.objectContaining({ _id: A }),
      { reasonCode: 'PRICE', reason: '' },
      expect.anything(),
    );
  });

  it('anything else is the error page: a code refusal on the form route, a failure 500 with its trace id', async () => {
    const cookie = await session(A);
    clients.submit.mockRejectedValueOnce(new DomainError('CODE_NOT_SENT', 'x', { status: 503 }));
    const refused = await call('POST', `/client/${A}/form`, { cookie, body: validForm() });
    expect(refused.status).toBe(503);
    expect(refused.html).toContain('Что-то пошло не так');
    clients.submit.mockRejectedValueOnce(new Error('database down'));
    const broken = await call('POST', `/client/${A}/form`, { cookie, body: validForm() });
    expect(broken.status).toBe(500);
    expect(broken.html).toContain('Что-то пошло не так');
  });
});

describe('the link page', () => {
  it.each(['/l/some-token', '/l/', '/l'])('%s: the page that exchanges the token, without a session', async (path) => {
    const { status, html } = await call('GET', path);
    expect(status).toBe(200);
    expect(html).toContain('link.js');
  });
});
