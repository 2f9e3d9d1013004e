import { Injectable } from '@nestjs/common';
import { isoDuration, TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import { earliest } from '../courses/course-calendar';
import { CourseService } from '../courses/course.service';

const input = z.object({ courseCode: z.string().trim().min(1).max(64), linkTtl: isoDuration });
type Input = z.infer<typeof input>;

export interface CheckAvailabilityOutput extends Record<string, unknown> {
  courseAvailable: boolean;
  rejectReason: string | null;
  courseTitle: string | null;
  courseStartDate: string | null;
  priceKopecks: number | null;
  /** ISO instants; null when there is no course to show. */
  courseEnrolmentDeadline: string | null;
  /** 00:00 of the start date in COURSE_TIME_ZONE. */
  courseStartsAt: string | null;
  /** When the client's link stops taking the form: now + linkTtl, never after the enrolment deadline or the start; null when not available. */
  linkDeadline: string | null;
}

/** Decides whether the application may go on; the course snapshot feeds the PDF, the e-mails and the deadlines. */
@Injectable()
@TaskHandler(TOPICS.courseCheckAvailability)
export class CheckAvailabilityHandler implements TopicHandler<Input, CheckAvailabilityOutput> {
  readonly input = input;

  constructor(private readonly courses: CourseService) {}

  async handle({ courseCode, linkTtl }: Input): Promise<CheckAvailabilityOutput> {
    const now = new Date();
    const result = await this.courses.availability(courseCode, now);
    const course = result.course;
    const startsAt = result.startsAt;
    return {
      courseAvailable: result.available,
      rejectReason: result.available ? null : result.reason,
      courseTitle: course?.title ?? null,
      courseStartDate: course?.startDate ?? null,
      priceKopecks: course?.priceKopecks ?? null,
      courseEnrolmentDeadline: course?.enrolmentDeadline.toISOString() ?? null,
      courseStartsAt: startsAt?.toISOString() ?? null,
      linkDeadline:
        result.available && startsAt
          ? earliest(new Date(now.getTime() + linkTtl), result.course.enrolmentDeadline, startsAt).toISOString()
          : null,
    };
  }
}
