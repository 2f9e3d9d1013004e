import { assessAvailability } from './course-availability';
import { Course, CourseStatus } from './course.entity';

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
    expect(assessAvailability(course(), 3, now)).toMatchObject({ available: true });
  });

  it.each([
    ['COURSE_NOT_FOUND', null, 3],
    ['COURSE_NOT_FOUND', course({ status: CourseStatus.Draft }), 3],
    ['ENROLMENT_CLOSED', course({ status: CourseStatus.Closed }), 3],
    ['ENROLMENT_CLOSED', course({ enrolmentDeadline: now }), 3],
    ['COURSE_STARTED', course({ startDate: '2026-11-23' }), 3],
    ['NO_FREE_SEATS', course(), 0],
  ])('rejects with %s', (reason, subject, freeSeats) => {
    expect(assessAvailability(subject, freeSeats, now)).toMatchObject({ available: false, reason });
  });
});
