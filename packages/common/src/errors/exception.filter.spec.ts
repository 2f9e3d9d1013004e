import { UpstreamError } from '../http/internal-http.client';
import { commonErrors } from './error-codes';
import { describeError } from './exception.filter';

describe('describeError', () => {
  it('answers an upstream failure or timeout with 503 UPSTREAM_UNAVAILABLE, not its status', () => {
    for (const status of [500, 502, undefined]) {
      const { status: answered, body } = describeError(new UpstreamError('process engine', status, 'boom'), 't1');
      expect([answered, body.code]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
      expect(body.message).toContain('process engine');
      expect(body.message).not.toContain('boom');
    }
  });

  it('keeps a refusal of ours as it is, and an unknown error a 500', () => {
    expect(describeError(commonErrors.ENGINE_UNAVAILABLE('down'), 't2').status).toBe(503);
    expect(describeError(new Error('bug'), 't3')).toEqual({
      status: 500,
      body: { code: 'INTERNAL_ERROR', message: 'Internal error', traceId: 't3' },
    });
  });
});
