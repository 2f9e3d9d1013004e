import { z } from 'zod';

/** The school works in Moscow time: the default of every service's time-zone variable. */
export const DEFAULT_TIME_ZONE = 'Europe/Moscow';

/** Whether the runtime's time zone data knows `zone` (an IANA name such as Asia/Yekaterinburg). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('ru-RU', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A time-zone variable (NOTIFICATION_TIME_ZONE, CONTRACT_TIME_ZONE): an unknown zone stops
 * start-up, named, instead of failing the first e-mail or page that shows a time.
 */
export const timeZoneEnv = z
  .string()
  .refine(isTimeZone, { message: 'expected an IANA time zone such as Europe/Moscow' })
  .default(DEFAULT_TIME_ZONE);
