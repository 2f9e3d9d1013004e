import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InternalHttpClient, UpstreamError } from '@otus/common';
import type { NotificationEnv } from '../config';

/** Where a course's staff notices go, as the course service keeps it. */
export interface StaffRecipients {
  title: string | null;
  recipients: string[];
  dailyDigest: boolean;
}

/** The course service's internal route: read at each notice and each digest, so a change of recipients applies at once. */
@Injectable()
export class CourseClient {
  private readonly logger = new Logger(CourseClient.name);
  private readonly http: InternalHttpClient;

  constructor(config: ConfigService<NotificationEnv, true>) {
    this.http = new InternalHttpClient({
      name: 'course service',
      baseUrl: config.get('COURSE_INTERNAL_URL', { infer: true }),
      headers: { 'x-internal-token': config.get('INTERNAL_API_TOKEN', { infer: true }) },
      timeoutMs: config.get('NOTIFICATION_DOCUMENT_TIMEOUT_MS', { infer: true }),
    });
  }

  /** Null for a course the service does not know (deleted); the service down throws (the task is retried). */
  async staffRecipients(courseCode: string): Promise<StaffRecipients | null> {
    try {
      const { data } = await this.http.request<StaffRecipients>({
        method: 'GET',
        path: `/internal/courses/${encodeURIComponent(courseCode)}/staff-recipients`,
      });
      return data;
    } catch (e) {
      if (e instanceof UpstreamError && e.status === 404) {
        this.logger.warn({ courseCode }, 'the course service does not know this course: no staff to tell');
        return null;
      }
      throw e instanceof UpstreamError ? new Error(`staff recipients of course ${courseCode}: ${e.message}`) : e;
    }
  }
}
