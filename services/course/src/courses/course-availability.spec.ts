import { assessAvailability } from './course-availability';
import { Course, CourseStatus } from './course.entity';

const MOSCOW = 'Europe/Moscow';
const now = new Date('2026-11-23T12:00:00Z');
const course = (overrides: Partial<Course> = {}) =>
  Object.assign(new Course(), {
    code: 'NODE',
    status: CourseStatus.Open,
    startDate: '2026-12-10',
    enrolmentDeadline: new Date('2026-12-01T00:00:00Z'),
    capacity: 10,
    ...overrides,
  });

describe('assessAvailability', () => {
  it('accepts an open course with seats before its deadline', () => {
    expect(assessAvailability(course(), 3, now, MOSCOW)).toMatchObject({ available: true });
  });

  it.each([
    ['COURSE_NOT_FOUND', null, 3],
    ['COURSE_NOT_FOUND', course({ status: CourseStatus.Draft }), 3],
    ['ENROLMENT_CLOSED', course({ status: CourseStatus.Closed }), 3],
    ['ENROLMENT_CLOSED', course({ enrolmentDeadline: now }), 3],
    ['COURSE_STARTED', course({ startDate: '2026-11-23' }), 3],
    ['NO_FREE_SEATS', course(), 0],
  ])('rejects with %s', (reason, subject, freeSeats) => {
    expect(assessAvailability(subject, freeSeats, now, MOSCOW)).toMatchObject({ available: false, reason });
  });

  it("counts a course as started from midnight of its start date in the school's zone, not in UTC", () => {
    // 00:30 on 24 November in Moscow is still 23 November in UTC.
    const justAfterMidnight = new Date('2026-11-23T21:30:00Z');
    const startsOn24th = course({ startDate: '2026-11-24', enrolmentDeadline: new Date('2026-11-24T12:00:00Z') });
    expect(assessAvailability(startsOn24th, 3, justAfterMidnight, MOSCOW)).toMatchObject({
      available: false,
      reason: 'COURSE_STARTED',
    });
    expect(assessAvailability(startsOn24th, 3, new Date('2026-11-23T20:59:59Z'), MOSCOW)).toMatchObject({
      available: true,
    });
    // In a zone behind UTC the course has not started yet at that instant.
    expect(assessAvailability(startsOn24th, 3, justAfterMidnight, 'America/New_York')).toMatchObject({
      available: true,
    });
  });
});
