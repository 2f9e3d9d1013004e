import { z } from 'zod';
import { baseEnv, validateEnv } from './env';

describe('validateEnv', () => {
  const schema = baseEnv.extend({ COURSE_DB_URL: z.url() });

  it('names every missing or malformed variable', () => {
    expect(() => validateEnv(schema)({ CAMUNDA_REST_URL: 'not a url', WORKER_MAX_TASKS: '-1' })).toThrow(
      /CAMUNDA_REST_URL: .*\n.*WORKER_MAX_TASKS: .*\n.*COURSE_DB_URL: /,
    );
  });

  it('applies defaults and coerces numbers and flags', () => {
    const env = validateEnv(schema)({
      CAMUNDA_REST_URL: 'http://127.0.0.1:8081/engine-rest',
      COURSE_DB_URL: 'postgres://u:p@127.0.0.1:5433/c',
      WORKER_LONG_POLL_MS: '5000',
      WORKER_ENABLED: 'false',
    });
    expect(env).toMatchObject({ WORKER_LONG_POLL_MS: 5000, WORKER_ENABLED: false, LOG_LEVEL: 'info' });
  });
});
