import { Body, Controller, Get, HttpCode, INestApplication, Module, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Min, ValidateNested } from 'class-validator';
import { ConfigModule } from '@nestjs/config';
import { DomainError } from '../errors/domain-error';
import { loggerModule } from '../logging/logger.module';
import { configureApp } from './configure-app';
import { httpAdapter } from './http-adapter';
import { Consumes } from './content-type';
import { ServiceInfoModule } from './service-info.module';

class AddressDto {
  @ApiProperty() @IsString() @Length(2, 50) city!: string;
}

class ThingDto {
  @ApiProperty() @IsString() @Length(2, 50) name!: string;
  @ApiProperty() @IsInt() @Min(0) count!: number;
  @ApiProperty({ required: false }) @IsOptional() @ValidateNested() @Type(() => AddressDto) address?: AddressDto;
}

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() dto: ThingDto) {
    return dto;
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    if (id.startsWith('0')) throw new DomainError('THING_NOT_FOUND', `No thing ${id}`, { status: 404 });
    throw new Error('database exploded at 10.0.0.7');
  }

  @Post('form')
  @HttpCode(200)
  @Consumes('application/x-www-form-urlencoded')
  form(@Body() body: Record<string, unknown>) {
    return body;
  }
}

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ LOG_LEVEL: 'silent' })] }),
    loggerModule('test'),
    ServiceInfoModule.forRoot('test'),
  ],
  controllers: [ThingsController],
})
class TestModule {}

describe('configureApp: one error body for every failure', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = configureApp(moduleRef.createNestApplication(httpAdapter(), { logger: false }));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app.close());

  const send = async (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, { method, body, headers });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body: JSON.parse(text) };
  };
  const json = (body: unknown) => JSON.stringify(body);
  const JSON_TYPE = { 'content-type': 'application/json' };

  it('answers an unknown route with 404 NOT_FOUND and a traceId', async () => {
    const { status, type, body } = await send('GET', '/no/such/route');
    expect(status).toBe(404);
    expect(type).toMatch(/^application\/json/);
    expect(body).toEqual({ code: 'NOT_FOUND', message: expect.any(String), traceId: expect.any(String) });
    expect(body.traceId).not.toBe('');
  });

  it('routes case-sensitively, so /THINGS is not /things (the gateway blocks paths by their case)', async () => {
    const id = '0'.padEnd(8, '0') + '-0000-4000-8000-000000000000';
    expect((await send('GET', `/things/${id}`)).status).toBe(404);
    expect((await send('GET', `/things/${id}`)).body.code).toBe('THING_NOT_FOUND');
    for (const path of [`/THINGS/${id}`, `/Things/${id}`]) {
      expect(await send('GET', path)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    }
  });

  it('uses the gateway’s request id as the traceId', async () => {
    const { body } = await send('GET', '/no/such/route', undefined, { 'x-request-id': 'req-42' });
    expect(body.traceId).toBe('req-42');
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    for (const text of ['{"name":', '{name: 1}', "{'name':'x'}", 'null', '"text"', '{"a":1}}']) {
      const { status, body } = await send('POST', '/things', text, JSON_TYPE);
      expect([text, status, body.code]).toEqual([text, 400, 'MALFORMED_JSON']);
      expect(body.message).toMatch(/^The request body is not valid JSON/);
      expect(body.traceId).toEqual(expect.any(String));
    }
  });

  it('answers a body over the service’s own limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const { status, body } = await send('POST', '/things', json({ name: 'x'.repeat(200_000), count: 1 }), JSON_TYPE);
    expect(status).toBe(413);
    expect(body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', traceId: expect.any(String) });
  });

  it.each([
    ['text/plain', 'name=x'],
    ['application/xml', '<thing><name>x</name></thing>'],
    ['application/x-www-form-urlencoded', 'name=xx&count=1'],
    ['multipart/form-data; boundary=b', '--b\r\n\r\nx\r\n--b--'],
  ])('answers a %s body on a JSON route with 415 UNSUPPORTED_MEDIA_TYPE', async (type, text) => {
    const { status, body } = await send('POST', '/things', text, { 'content-type': type });
    expect(status).toBe(415);
    expect(body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', traceId: expect.any(String) });
  });

  it('answers a body without a Content-Type with 415, and a charset other than UTF-8 too', async () => {
    expect((await send('POST', '/things', Buffer.from(json({ name: 'xx', count: 1 })))).status).toBe(415);
    const latin = await send('POST', '/things', json({ name: 'xx', count: 1 }), {
      'content-type': 'application/json; charset=latin1',
    });
    expect(latin).toMatchObject({ status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
  });

  it('takes a request without a body whatever its headers say', async () => {
    const bare = await send('POST', '/things', undefined, { 'content-length': '0' });
    expect(bare.body.code).toBe('VALIDATION_FAILED');
    const typed = await send('POST', '/things', '', { 'content-type': 'text/plain' });
    expect(typed.body.code).toBe('VALIDATION_FAILED');
  });

  it('takes a form where the route says it consumes one', async () => {
    const { status, body } = await send('POST', '/things/form', 'a=1&b[$ne]=2', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(status).toBe(200);
    // Flat fields only: a bracketed name is a name, never an object an operator could hide in.
    expect(body).toEqual({ a: '1', 'b[$ne]': '2' });
  });

  it('lists every invalid field, nested ones dotted', async () => {
    const { status, body } = await send('POST', '/things', json({ count: -1, address: { city: 1 } }), JSON_TYPE);
    expect(status).toBe(400);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual(['address.city', 'count', 'name']);
  });

  it('rejects unknown fields, wrong types and operator objects', async () => {
    const cases = [
      { name: 'xx', count: 1, admin: true },
      { name: 'xx', count: '1' },
      { name: { $ne: null }, count: 1 },
      { name: 'xx', count: 1, address: { city: 'Москва', $where: 'sleep(1000)' } },
      [{ name: 'xx', count: 1 }],
    ];
    for (const payload of cases) {
      const { status, body } = await send('POST', '/things', json(payload), JSON_TYPE);
      expect([payload, status, body.code]).toEqual([payload, 400, 'VALIDATION_FAILED']);
    }
  });

  it('keeps unicode and right-to-left text intact', async () => {
    const name = 'שלום مرحبا 😀 Ёж';
    const { status, body } = await send('POST', '/things', json({ name, count: 0 }), JSON_TYPE);
    expect(status).toBe(201);
    expect(body.name).toBe(name);
  });

  it('answers a bad path parameter with 400, a domain error with its code, and hides internal errors', async () => {
    expect((await send('GET', '/things/..%2f..%2fetc%2fpasswd')).body).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await send('GET', '/things/00000000-0000-4000-8000-000000000000')).toMatchObject({
      status: 404,
      body: { code: 'THING_NOT_FOUND' },
    });
    const failed = await send('GET', '/things/10000000-0000-4000-8000-000000000000');
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ code: 'INTERNAL_ERROR', message: 'Internal error', traceId: expect.any(String) });
  });

  it('documents the error body, the security schemes and the errors every route can give', async () => {
    const { body: document } = await send('GET', '/docs-json');
    expect(document.components.schemas.ErrorBody.required).toEqual(['code', 'message', 'traceId']);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['crm', 'otus_client', 'staff']);
    expect(Object.keys(document.paths['/things'].post.responses).sort()).toEqual(['201', '400', '413', '415']);
    expect(Object.keys(document.paths['/things/{id}'].get.responses).sort()).toEqual(['200', '400', '404']);
    expect(document.paths['/things/{id}'].get.responses['404'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorBody',
    });
  });
});
