import { Writable } from 'node:stream';
import pino from 'pino';
import { maskLinkTokens, REDACT_PATHS } from './logger.module';

function capture(log: (logger: pino.Logger) => void): Record<string, unknown> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  log(pino({ redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } }, sink));
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

describe('log redaction', () => {
  it('censors personal fields at any depth we log, and keeps ids', () => {
    const line = capture((log) =>
      log.info({
        applicationId: 'a-1',
        clientEmail: 'ivan@example.test',
        task: { variables: { passport: '4510 123456', fullName: 'Иван Петров' } },
        body: { signingCode: '123456' },
      }),
    );
    expect(line).toMatchObject({
      applicationId: 'a-1',
      clientEmail: '[REDACTED]',
      task: { variables: { passport: '[REDACTED]', fullName: '[REDACTED]' } },
      body: { signingCode: '[REDACTED]' },
    });
  });

  it('censors credentials in request headers', () => {
    const line = capture((log) =>
      log.info({ req: { headers: { authorization: 'Bearer x', 'x-api-key': 'k', cookie: 's=1', host: 'h' } } }),
    );
    expect(line.req).toEqual({
      headers: { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]', cookie: '[REDACTED]', host: 'h' },
    });
  });

  it('censors credentials in response headers', () => {
    const line = capture((log) =>
      log.info({ res: { headers: { 'x-auth-token': 'eyJ.x.y', 'set-cookie': 's=1', 'x-auth-roles': 'crm' } } }),
    );
    expect(line.res).toEqual({
      headers: { 'x-auth-token': '[REDACTED]', 'set-cookie': '[REDACTED]', 'x-auth-roles': 'crm' },
    });
  });
});

describe('link tokens in request URLs', () => {
  it('masks the token of /l/<token> in the URL and the route parameters', () => {
    const masked = maskLinkTokens({ url: '/l/AbC-123_xyz?utm=1', params: { token: 'AbC-123_xyz' }, method: 'GET' });
    expect(masked).toEqual({ url: '/l/[REDACTED]?utm=1', params: '[REDACTED]', method: 'GET' });
    expect(JSON.stringify(maskLinkTokens({ url: '/l/AbC-123_xyz', params: {} }))).not.toContain('AbC-123_xyz');
  });

  it('masks the token of a download URL, /public/documents/<token>', () => {
    const masked = maskLinkTokens({ url: '/public/documents/Tok-3n_x', params: { token: 'Tok-3n_x' } });
    expect(masked).toEqual({ url: '/public/documents/[REDACTED]', params: '[REDACTED]' });
  });

  it('leaves other URLs alone', () => {
    const req = { url: '/client/123/form', params: { id: '123' } };
    expect(maskLinkTokens(req)).toBe(req);
  });
});
