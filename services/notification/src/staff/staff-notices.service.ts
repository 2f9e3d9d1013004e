import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { type TaskContext, zonedTime } from '@otus/common';
import { In, IsNull, Repository } from 'typeorm';
import type { NotificationEnv } from '../config';
import { DeliveryInProgressError } from '../deliveries/delivery-log.service';
import { keyHash, taskKey } from '../deliveries/idempotency';
import { ContractClient } from '../email/contract.client';
import type { EmailVariables } from '../email/email-variables';
import { EmailService, MailRefusedError } from '../email/email.service';
import { CourseClient } from './course.client';
import { StaffDigestEntry } from './staff-digest-entry.entity';
import type { StaffNoticeInput } from './staff-notice-input';
import { staffReason } from './staff-reasons';

/**
 * What became of a staff notice: e-mailed, kept for the day's digest, nobody to tell, or refused
 * by the mail server for good (logged as a failed delivery; the application ends all the same).
 */
export type StaffNoticeOutcome = 'sent' | 'digest' | 'nobody' | 'failed';

/** The most events one digest lists; more wait for the next one. */
const DIGEST_MAX_ITEMS = 500;

/**
 * E-mails to the school's staff about a course's applications (concluded, declined, signing
 * locked, cancelled): to the course's recipients (and mentors), each event at once or all of a
 * day in one digest, as the course says. No client data: the ids lead staff to the application.
 */
@Injectable()
export class StaffNotices {
  private readonly logger = new Logger(StaffNotices.name);
  private readonly timeZone: string;
  private readonly digestTime: string;

  constructor(
    @InjectRepository(StaffDigestEntry) private readonly entries: Repository<StaffDigestEntry>,
    private readonly courses: CourseClient,
    private readonly contract: ContractClient,
    private readonly emails: EmailService,
    config: ConfigService<NotificationEnv, true>,
  ) {
    this.timeZone = config.get('NOTIFICATION_TIME_ZONE', { infer: true });
    this.digestTime = `${config.get('NOTIFICATION_DIGEST_TIME', { infer: true })}:00`;
  }

  /** `notification.staff-notice`: once per task, whatever the path (a redelivered task adds nothing). */
  async noticeForTask(input: StaffNoticeInput, task: TaskContext): Promise<StaffNoticeOutcome> {
    const course = await this.courses.staffRecipients(input.courseCode);
    if (!course || course.recipients.length === 0) return 'nobody';
    const declined = input.staffEvent === 'declined' ? await this.contract.declineReason(input.applicationId) : null;
    const reason = staffReason(input, declined?.reasonCode);
    const key = taskKey(task);
    if (course.dailyDigest) {
      await this.entries
        .createQueryBuilder()
        .insert()
        .values({
          idempotencyKey: key,
          courseCode: input.courseCode,
          applicationId: input.applicationId,
          crmApplicationId: input.crmApplicationId ?? null,
          event: input.staffEvent,
          reason,
        })
        .orIgnore()
        .execute();
      return 'digest';
    }
    try {
      await this.emails.sendToStaff({
        idempotencyKey: key,
        template: 'staff-notice',
        applicationId: input.applicationId,
        processInstanceId: task.processInstanceId,
        to: course.recipients,
        variables: {
          courseTitle: course.title,
          courseCode: input.courseCode,
          staffEvent: input.staffEvent,
          applicationId: input.applicationId,
          crmApplicationId: input.crmApplicationId ?? null,
          staffReason: reason,
          occurredAt: new Date().toISOString(),
        },
      });
    } catch (e) {
      // A staff address the server rejects must not hold the application's end (an incident): logged, given up.
      if (!(e instanceof MailRefusedError)) throw e;
      this.logger.warn(
        { applicationId: input.applicationId, err: e.message },
        'staff notice refused by the mail server',
      );
      return 'failed';
    }
    return 'sent';
  }

  /**
   * Sends the digests due at `now`: once the day's NOTIFICATION_DIGEST_TIME has passed, one e-mail
   * per course with events waiting, keyed by course and day (so one a day, whichever replica runs
   * it). Events that come after today's went out wait for tomorrow's.
   */
  async sendDueDigests(now = new Date()): Promise<number> {
    const local = zonedTime(now, this.timeZone);
    if (local.time < this.digestTime) return 0;
    const pending: { course_code: string }[] = await this.entries
      .createQueryBuilder('e')
      .select('DISTINCT e.course_code', 'course_code')
      .where('e.digest_key IS NULL')
      .getRawMany();
    let sent = 0;
    for (const { course_code: courseCode } of pending) {
      try {
        if (await this.sendDigest(courseCode, local.date)) sent += 1;
      } catch (e) {
        if (e instanceof DeliveryInProgressError) continue; // another replica is sending it
        this.logger.warn(
          { courseCode, err: (e as Error).message },
          'staff digest not sent; tried again at the next check',
        );
      }
    }
    return sent;
  }

  private async sendDigest(courseCode: string, date: string): Promise<boolean> {
    const waiting = await this.entries.find({
      where: { courseCode, digestKey: IsNull() },
      order: { createdAt: 'ASC' },
      take: DIGEST_MAX_ITEMS,
    });
    if (waiting.length === 0) return false;
    const course = await this.courses.staffRecipients(courseCode);
    // A course the course service does not know (deleted, or another stack's): its events wait.
    if (!course) return false;
    // One a day per course and recipients: a digest that failed for an address staff then corrected
    // goes to the new addresses (the failed one keeps its own log), with what is still waiting.
    const key = `staff-digest:${courseCode}:${date}:${keyHash([...course.recipients].sort().join(',')).slice(0, 12)}`;
    let carried = waiting.map((e) => e.id);
    let sentNow = false;
    if (course.recipients.length > 0) {
      const variables: Omit<EmailVariables, 'clientName'> = {
        courseTitle: course.title,
        courseCode,
        digestDate: date,
        digestEntryIds: carried,
        digestItems: waiting.map((e) => ({
          staffEvent: e.event,
          applicationId: e.applicationId,
          crmApplicationId: e.crmApplicationId,
          staffReason: e.reason,
          occurredAt: e.createdAt.toISOString(),
        })),
      };
      try {
        const { message, alreadySent } = await this.emails.sendToStaff({
          idempotencyKey: key,
          template: 'staff-digest',
          applicationId: null,
          to: course.recipients,
          variables,
        });
        // Today's digest may have gone out before (another replica, an earlier check): it carried what it lists.
        carried = ((message.content as { variables?: EmailVariables }).variables?.digestEntryIds ?? []).filter((id) =>
          carried.includes(id),
        );
        sentNow = !alreadySent;
      } catch (e) {
        // Refused for good: the events are given up with it (the failed delivery is in the log), not retried each minute.
        if (!(e instanceof MailRefusedError)) throw e;
        this.logger.warn({ courseCode, err: e.message }, 'staff digest refused by the mail server');
      }
    }
    if (carried.length > 0) await this.entries.update({ id: In(carried), digestKey: IsNull() }, { digestKey: key });
    return sentNow;
  }
}
