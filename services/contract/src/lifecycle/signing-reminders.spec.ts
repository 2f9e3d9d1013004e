import { NEVER, reminderOffsets, signingReminders } from './signing-reminders';

const HOUR = 3_600_000;
const now = new Date('2026-12-03T10:00:00Z');

describe('signing reminders', () => {
  it('one per offset before the deadline, earliest first, ending with a date that never comes', () => {
    const deadline = new Date('2026-12-05T10:00:00Z');
    expect(signingReminders(deadline, [2 * HOUR, 24 * HOUR], now)).toEqual({
      signingReminderTimes: `2026-12-04T10:00:00.000Z,2026-12-05T08:00:00.000Z,${NEVER}`,
      signingRemindersSent: 0,
    });
  });

  it('skips reminders already past: a deadline 3 h away gets only the 2 h one', () => {
    const deadline = new Date(now.getTime() + 3 * HOUR);
    expect(signingReminders(deadline, [24 * HOUR, 2 * HOUR], now).signingReminderTimes).toBe(
      `2026-12-03T11:00:00.000Z,${NEVER}`,
    );
  });

  it('no deadline (an instance of the older model version): none', () => {
    expect(signingReminders(null, [HOUR], now).signingReminderTimes).toBe(NEVER);
  });

  it('none configured: the timer only waits', () => {
    expect(signingReminders(new Date('2026-12-05T10:00:00Z'), [], now).signingReminderTimes).toBe(NEVER);
  });

  it('reads the configuration, refusing what is not a list of durations', () => {
    expect(reminderOffsets.parse('PT24H, PT2H')).toEqual([24 * HOUR, 2 * HOUR]);
    expect(reminderOffsets.parse('')).toEqual([]);
    expect(reminderOffsets.safeParse('24h').success).toBe(false);
    expect(reminderOffsets.safeParse('PT24H,-PT1H').success).toBe(false);
  });
});
