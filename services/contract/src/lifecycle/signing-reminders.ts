import { Duration } from 'luxon';
import { z } from 'zod';

/**
 * The signing reminders of one deadline, as the process reads them: its reminder timer fires at
 * `signingReminderTimes.split(',')[signingRemindersSent]` and counts one up each time. The list
 * ends with a date that never comes, so once the reminders are spent the timer just waits.
 */
export const NEVER = '9999-12-31T00:00:00.000Z';

/** `CONTRACT_SIGNING_REMINDERS`: how long before the signing deadline to remind, e.g. `PT24H,PT2H`; empty for none. */
export const reminderOffsets = z.string().transform((value, ctx) => {
  const parts = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const offsets = parts.map((p) => Duration.fromISO(p));
  if (offsets.some((d) => !d.isValid || d.toMillis() <= 0)) {
    ctx.addIssue({ code: 'custom', message: 'expected ISO-8601 durations separated by commas, e.g. PT24H,PT2H' });
    return z.NEVER;
  }
  return offsets.map((d) => d.toMillis());
});

/**
 * The reminders still ahead for `deadline`, earliest first: one per offset, skipping those
 * already past; none without a deadline (an instance of an older model version).
 */
export function signingReminders(deadline: Date | null, offsetsMs: number[], now = new Date()) {
  const times = [...new Set(offsetsMs)]
    .filter(() => deadline !== null)
    .map((offset) => deadline!.getTime() - offset)
    .filter((time) => time > now.getTime())
    .sort((a, b) => a - b)
    .map((time) => new Date(time).toISOString());
  return { signingReminderTimes: [...times, NEVER].join(','), signingRemindersSent: 0 };
}
