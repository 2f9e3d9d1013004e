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

  it('answers a busy or unreachable database with 503 STORE_UNAVAILABLE, a constraint violation still a 500', () => {
    const named = (name: string, message: string, more: object = {}) =>
      Object.assign(new Error(message), { name }, more);
    const busy = [
      named('MongoServerSelectionError', 'connect ECONNREFUSED 127.0.0.1:27018'),
      named('MongooseError', 'Operation `applications.findOne()` buffering timed out after 10000ms'),
      named('MongoServerError', 'database is locked (5) (SQLITE_BUSY)'),
      named('QueryFailedError', 'deadlock detected', { driverError: { code: '40P01' } }),
      named('QueryFailedError', 'sorry, too many clients already', { driverError: { code: '53300' } }),
      new Error('timeout exceeded when trying to connect'),
    ];
    for (const e of busy) {
      const { status, body } = describeError(e, 't4');
      expect([status, body.code, e.message]).toEqual([503, 'STORE_UNAVAILABLE', e.message]);
      expect(body.message).not.toContain(e.message);
    }
    const bug = named('QueryFailedError', 'duplicate key value', { driverError: { code: '23505' } });
    expect(describeError(bug, 't5').status).toBe(500);
    expect(describeError(named('MongoServerError', 'E11000 duplicate key'), 't6').status).toBe(500);
  });
});
