import { courseStartsAt, earliest, enrolmentRefusal, startOfDay } from './course-calendar';
import { Course, CourseStatus } from './course.entity';

const MOSCOW = 'Europe/Moscow';
const course = (overrides: Partial<Course> = {}) =>
  Object.assign(new Course(), {
    code: 'NODE',
    status: CourseStatus.Open,
    startDate: '2026-12-10',
    enrolmentDeadline: new Date('2026-12-01T09:00:00Z'),
    capacity: 10,
    ...overrides,
  });

describe('startOfDay', () => {
  it.each([
    ['2026-12-10', MOSCOW, '2026-12-09T21:00:00.000Z'],
    ['2026-12-10', 'UTC', '2026-12-10T00:00:00.000Z'],
    ['2026-12-10', 'Asia/Yekaterinburg', '2026-12-09T19:00:00.000Z'],
    ['2026-12-10', 'America/New_York', '2026-12-10T05:00:00.000Z'],
    ['2026-07-10', 'America/New_York', '2026-07-10T04:00:00.000Z'],
    ['2026-12-10', 'Asia/Kolkata', '2026-12-09T18:30:00.000Z'],
    // Days that begin next to a change of offset: the day after, and the day of, clocks going back.
    ['2026-03-30', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'],
    ['2026-10-25', 'Europe/Berlin', '2026-10-24T22:00:00.000Z'],
    // Clocks go back from 24:00 to 23:00: the day starts with the one 00:00 after that.
    ['2026-04-05', 'America/Santiago', '2026-04-05T04:00:00.000Z'],
    // Clocks go back from 01:00 to 00:00: 00:00 happens twice, the day starts with the first.
    ['2026-11-01', 'America/Havana', '2026-11-01T04:00:00.000Z'],
    // Clocks jump from 00:00 to 01:00: the day starts with the jump.
    ['2026-09-06', 'America/Santiago', '2026-09-06T04:00:00.000Z'],
  ])('%s in %s begins at %s', (date, zone, expected) => {
    expect(startOfDay(date, zone).toISOString()).toBe(expected);
  });

  it('refuses what is not a calendar date', () => {
    expect(() => startOfDay('10.12.2026', MOSCOW)).toThrow(RangeError);
    expect(() => startOfDay('2026-13-40', MOSCOW)).toThrow(RangeError);
  });
});

describe('courseStartsAt', () => {
  it("is 00:00 of the start date in the school's zone", () => {
    expect(courseStartsAt(course(), MOSCOW)).toEqual(new Date('2026-12-10T00:00:00+03:00'));
  });
});

describe('earliest', () => {
  it('bounds a deadline by the calendar', () => {
    const a = new Date('2026-12-01T00:00:00Z');
    const b = new Date('2026-11-30T00:00:00Z');
    expect(earliest(a)).toEqual(a);
    expect(earliest(a, b)).toEqual(b);
    expect(earliest(b, a, new Date('2026-12-05T00:00:00Z'))).toEqual(b);
  });
});

describe('enrolmentRefusal', () => {
  const before = new Date('2026-11-23T12:00:00Z');

  it('lets an open course through before its deadline and its start', () => {
    expect(enrolmentRefusal(course(), before, MOSCOW)).toBeNull();
  });

  it.each([
    ['COURSE_CLOSED', null, before],
    ['COURSE_CLOSED', course({ status: CourseStatus.Draft }), before],
    ['COURSE_CLOSED', course({ status: CourseStatus.Closed }), before],
    ['ENROLMENT_CLOSED', course(), new Date('2026-12-01T09:00:00Z')],
    // The deadline may be on the start date, after midnight there: the start comes first.
    [
      'COURSE_STARTED',
      course({ enrolmentDeadline: new Date('2026-12-10T12:00:00Z') }),
      new Date('2026-12-09T21:00:00Z'),
    ],
  ])('refuses with %s', (reason, subject, at) => {
    expect(enrolmentRefusal(subject, at, MOSCOW)).toBe(reason);
  });
});
