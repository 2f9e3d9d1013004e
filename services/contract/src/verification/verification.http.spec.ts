import 'reflect-metadata';
import { type INestApplication, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { configureApp, httpAdapter, loggerModule } from '@otus/common';
import { PageAssets } from '../pages/page-assets';
import { PageRenderer } from '../pages/page-renderer';
import { PagesExceptionFilter } from '../pages/pages-exception.filter';
import { PdfBodyMiddleware } from './pdf-body.middleware';
import { VerificationController } from './verification.controller';
import { VerificationService } from './verification.service';
import { VerifyPageController } from './verify-page.controller';

// The service is a stand-in: this spec is about HTTP (parsers, media types, validation, pages).
jest.mock('./verification.service', () => ({ VerificationService: class {} }));

const verifications = {
  bySha256: jest.fn(async (sha256: string) => ({ result: 'NOT_FOUND', sha256: sha256.toLowerCase() })),
  byPdf: jest.fn(async (pdf: Buffer) => ({ result: 'NOT_FOUND', sha256: `${pdf.length}` })),
};

/** VerificationModule's controllers and middleware, without the database behind them. */
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true }), loggerModule('contract')],
  controllers: [VerificationController, VerifyPageController],
  providers: [
    { provide: VerificationService, useValue: verifications },
    PageAssets,
    PageRenderer,
    PagesExceptionFilter,
  ],
})
class HttpTestModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PdfBodyMiddleware).forRoutes({ path: 'public/verifications/pdf', method: RequestMethod.POST });
  }
}

let app: INestApplication;
let base: string;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  const moduleRef = await Test.createTestingModule({ imports: [HttpTestModule] }).compile();
  app = moduleRef.createNestApplication(httpAdapter(), { bufferLogs: true, logger: false });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});

afterAll(() => app?.close());
beforeEach(() => jest.clearAllMocks());

const post = (path: string, body: string | Buffer, type: string) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
const SHA = 'AB'.repeat(32);
const code = async (answer: Response) => ((await answer.json()) as { code: string }).code;

describe('POST /public/verifications', () => {
  it('takes a strict JSON body', async () => {
    const ok = await post(
      '/public/verifications',
      JSON.stringify({ sha256: SHA, contractNumber: '3F2A9C1B' }),
      'application/json',
    );
    expect(ok.status).toBe(200);
    expect(verifications.bySha256).toHaveBeenCalledWith(SHA, '3F2A9C1B');

    for (const bad of [{ sha256: 'xyz' }, { sha256: SHA, extra: 1 }, { sha256: SHA, contractNumber: 'abc' }, {}]) {
      const answer = await post('/public/verifications', JSON.stringify(bad), 'application/json');
      expect(answer.status).toBe(400);
      expect(await code(answer)).toBe('VALIDATION_FAILED');
    }
    expect((await post('/public/verifications', '{"sha256":', 'application/json')).status).toBe(400);
    expect((await post('/public/verifications', `sha256=${SHA}`, 'application/x-www-form-urlencoded')).status).toBe(
      415,
    );
    expect(verifications.bySha256).toHaveBeenCalledTimes(1);
  });
});

describe('POST /public/verifications/pdf', () => {
  it('reads the PDF as bytes and hands them to the service', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200_000, 0x20)]);
    const answer = await post('/public/verifications/pdf', pdf, 'application/pdf');
    expect(answer.status).toBe(200);
    expect(verifications.byPdf).toHaveBeenCalledTimes(1);
    expect(Buffer.compare(verifications.byPdf.mock.calls[0]![0], pdf)).toBe(0);
  });

  it('refuses an empty body (400), another media type (415) and more than 5 MB (413)', async () => {
    const empty = await post('/public/verifications/pdf', Buffer.alloc(0), 'application/pdf');
    expect(empty.status).toBe(400);
    expect(await code(empty)).toBe('VALIDATION_FAILED');
    expect((await post('/public/verifications/pdf', '{}', 'application/json')).status).toBe(415);
    const large = await post('/public/verifications/pdf', Buffer.alloc(5 * 1024 * 1024 + 1), 'application/pdf');
    expect(large.status).toBe(413);
    expect(await code(large)).toBe('PAYLOAD_TOO_LARGE');
    expect(verifications.byPdf).not.toHaveBeenCalled();
  });

  it('leaves the other routes at the shared 100 kB limit for PDFs too', async () => {
    expect((await post('/public/verifications', Buffer.alloc(200_000), 'application/pdf')).status).toBe(415);
  });
});

describe('/verify', () => {
  it('serves the page with its CSP, and answers the form with the page', async () => {
    const page = await fetch(`${base}/verify`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');

    const answer = await post('/verify', `contractNumber=3f2a9c1b&sha256=${SHA}`, 'application/x-www-form-urlencoded');
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('<h2>Документ не найден</h2>');
    expect(verifications.bySha256).toHaveBeenCalledWith(SHA, '3F2A9C1B');

    const wrong = await post('/verify', 'sha256=nope', 'application/x-www-form-urlencoded');
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('SHA-256 — 64 символа');
  });

  it('answers what it cannot take with an HTML page, not JSON', async () => {
    const json = await post('/verify', JSON.stringify({ sha256: SHA }), 'application/json');
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toContain('text/html');
  });
});
