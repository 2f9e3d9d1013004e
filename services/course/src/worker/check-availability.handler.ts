import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import { CourseService } from '../courses/course.service';

const input = z.object({ courseCode: z.string().trim().min(1).max(64) });
type Input = z.infer<typeof input>;

export interface CheckAvailabilityOutput extends Record<string, unknown> {
  courseAvailable: boolean;
  rejectReason: string | null;
  courseTitle: string | null;
  courseStartDate: string | null;
  priceKopecks: number | null;
}

/** Decides whether the application may go on; the course snapshot feeds the PDF and the e-mails. */
@Injectable()
@TaskHandler(TOPICS.courseCheckAvailability)
export class CheckAvailabilityHandler implements TopicHandler<Input, CheckAvailabilityOutput> {
  readonly input = input;

  constructor(private readonly courses: CourseService) {}

  async handle({ courseCode }: Input): Promise<CheckAvailabilityOutput> {
    const result = await this.courses.availability(courseCode);
    const course = result.course;
    return {
      courseAvailable: result.available,
      rejectReason: result.available ? null : result.reason,
      courseTitle: course?.title ?? null,
      courseStartDate: course?.startDate ?? null,
      priceKopecks: course?.priceKopecks ?? null,
    };
  }
}
