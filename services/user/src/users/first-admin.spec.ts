import { userEnv } from '../config';
import { firstAdminMustChangePassword } from './first-admin';

// The variables this concerns, as the service's schema reads them.
const env = userEnv.pick({
  NODE_ENV: true,
  USER_ADMIN_MUST_CHANGE_PASSWORD: true,
  USER_LOGIN_MAX_FAILURES: true,
  USER_LOGIN_LOCK: true,
});
const flagFor = (vars: Record<string, string>) => {
  const parsed = env.parse(vars) as Record<string, unknown>;
  return firstAdminMustChangePassword({ get: ((key: string) => parsed[key]) as never });
};

describe('the first administrator must change its password', () => {
  it('in production by default, and nowhere else by default', () => {
    expect(flagFor({ NODE_ENV: 'production' })).toBe(true);
    expect(flagFor({ NODE_ENV: 'development' })).toBe(false);
    expect(flagFor({})).toBe(false);
  });

  it('as USER_ADMIN_MUST_CHANGE_PASSWORD says when it is set', () => {
    expect(flagFor({ NODE_ENV: 'development', USER_ADMIN_MUST_CHANGE_PASSWORD: 'true' })).toBe(true);
    expect(flagFor({ NODE_ENV: 'production', USER_ADMIN_MUST_CHANGE_PASSWORD: 'false' })).toBe(false);
    expect(() => env.parse({ USER_ADMIN_MUST_CHANGE_PASSWORD: 'yes' })).toThrow();
    expect(() => env.parse({ USER_LOGIN_MAX_FAILURES: '0' })).toThrow();
    expect(() => env.parse({ USER_LOGIN_LOCK: '1 minute' })).toThrow();
  });
});
