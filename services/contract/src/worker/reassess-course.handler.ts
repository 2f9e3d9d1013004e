import { Injectable } from '@nestjs/common';
import { BPMN_ERRORS, BpmnError, TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import { ApplicationStatus } from '../applications/application.schema';
import { ApplicationsService } from '../applications/applications.service';
import { LifecycleService } from '../lifecycle/lifecycle.service';

const input = z.object({
  applicationId: z.string().min(1).max(64),
  /** Sent by the course service with CourseChanged (its outbox), with the course's new calendar. */
  courseStatus: z.enum(['open', 'closed', 'draft']),
  courseEnrolmentDeadline: z.iso.datetime({ offset: true }),
  courseStartsAt: z.iso.datetime({ offset: true }),
  courseNewStartDate: z.iso.date().optional(),
  /** The code changed or the course was deleted: a seat already held stays good (held by the course's id). */
  courseRenamed: z.boolean().optional(),
});
type Input = z.infer<typeof input>;

/** The stages in which the client still has something to do; later ones meet the confirmation's own check. */
const WAITING = new Set<string>([
  ApplicationStatus.Created,
  ApplicationStatus.DataSubmitted,
  ApplicationStatus.DraftReady,
]);

/**
 * Staff closed the course or moved its dates while the application ran: it ends with the coded
 * reason (BPMN error COURSE_UNAVAILABLE, the same ending as at the hold), or its running deadline
 * is brought back within the new calendar. A signed, ended or cancelled application is left alone.
 */
@Injectable()
@TaskHandler(TOPICS.contractReassessCourse)
export class ReassessCourseHandler implements TopicHandler<Input, { courseStartDate?: string }> {
  readonly input = input;

  constructor(
    private readonly applications: ApplicationsService,
    private readonly lifecycle: LifecycleService,
  ) {}

  async handle(input: Input) {
    const { applicationId, courseStatus, courseEnrolmentDeadline, courseStartsAt, courseNewStartDate } = input;
    const application = await this.applications.get(applicationId);
    if (application.outcome || application.cancellation || !WAITING.has(application.status)) return {};
    const beforeDraft = application.status !== ApplicationStatus.DraftReady;
    if (input.courseRenamed && !beforeDraft) return {};
    const now = Date.now();
    const enrolmentEnds = new Date(courseEnrolmentDeadline);
    const starts = new Date(courseStartsAt);
    const unavailableReason =
      courseStatus !== 'open'
        ? 'COURSE_CLOSED'
        : enrolmentEnds.getTime() <= now
          ? 'ENROLMENT_CLOSED'
          : starts.getTime() <= now
            ? 'COURSE_STARTED'
            : null;
    if (unavailableReason) {
      throw new BpmnError(BPMN_ERRORS.courseUnavailable, `The course no longer takes students: ${unavailableReason}`, {
        unavailableReason,
      });
    }
    const latest = new Date(Math.min(enrolmentEnds.getTime(), starts.getTime()));
    await this.lifecycle.bound(application, latest, { actor: 'system:course-change' });
    // A draft not yet made prints the new start date; one the client is reading keeps the date it shows.
    return beforeDraft && courseNewStartDate ? { courseStartDate: courseNewStartDate } : {};
  }
}
