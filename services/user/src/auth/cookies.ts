import type { CookieOptions } from 'express';

/** Staff browsers (Cockpit through the gateway) carry the access token in this cookie. */
export const STAFF_SESSION_COOKIE = 'otus_staff';

export function sessionCookie(secure: boolean, maxAgeMs: number): CookieOptions {
  return { httpOnly: true, secure, sameSite: 'strict', path: '/', maxAge: maxAgeMs };
}
