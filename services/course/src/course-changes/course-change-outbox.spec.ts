import { CourseStatus } from '../courses/course.entity';
import { calendarChanged, courseChangeVariables, gone } from './course-change-outbox';

const state = {
  status: CourseStatus.Open,
  enrolmentDeadline: new Date('2026-12-01T09:00:00Z'),
  startDate: '2026-12-10',
};

describe('calendarChanged', () => {
  it('is false for the same status, deadline instant and start date', () => {
    expect(calendarChanged(state, { ...state, enrolmentDeadline: new Date('2026-12-01T12:00:00+03:00') })).toBe(false);
  });

  it.each([
    ['status', { status: CourseStatus.Closed }],
    ['enrolment deadline', { enrolmentDeadline: new Date('2026-12-01T09:00:00.001Z') }],
    ['start date', { startDate: '2026-12-11' }],
  ])('is true when the %s changed', (_, change) => {
    expect(calendarChanged(state, { ...state, ...change })).toBe(true);
  });
});

describe('courseChangeVariables', () => {
  it("sends the status, the deadline and the start at 00:00 of the start date in the school's zone", () => {
    expect(courseChangeVariables(state, 'Europe/Moscow')).toEqual({
      courseStatus: 'open',
      courseEnrolmentDeadline: '2026-12-01T09:00:00.000Z',
      courseStartsAt: '2026-12-09T21:00:00.000Z',
      courseNewStartDate: '2026-12-10',
    });
    expect(courseChangeVariables(state, 'America/New_York').courseStartsAt).toBe('2026-12-10T05:00:00.000Z');
  });

  it('tells the applications of a deleted or renamed course that it closed', () => {
    expect(courseChangeVariables(gone(state), 'UTC')).toMatchObject({ courseStatus: 'closed' });
    expect(calendarChanged(state, gone(state))).toBe(true);
    expect(calendarChanged(gone(state), gone(gone(state)))).toBe(false);
  });
});
