import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DomainError, type Page, toPage, invalidFields } from '@otus/common';
import { containsPattern, isForeignKeyViolation, isUniqueViolation } from '@otus/common/postgres';
import { Brackets, DataSource, Repository } from 'typeorm';
import { type CourseCalendarState, gone, queueCourseChange } from '../course-changes/course-change-outbox';
import { SeatService } from '../seats/seat.service';
import type { CourseEnv } from '../config';
import { assessAvailability, type Availability } from './course-availability';
import { courseStartsAt } from './course-calendar';
import { Course, CourseStatus, NO_STAFF_NOTIFICATIONS } from './course.entity';
import type {
  AvailabilityResponse,
  CourseCard,
  CourseResponse,
  CreateCourseDto,
  ListCoursesQuery,
  StaffRecipientsResponse,
  UpdateCourseDto,
} from './dto/course.dto';
import { courseErrors } from '../course-errors';

@Injectable()
export class CourseService {
  private readonly timeZone: string;

  constructor(
    @InjectRepository(Course) private readonly courses: Repository<Course>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly seats: SeatService,
    config: ConfigService<CourseEnv, true>,
  ) {
    this.timeZone = config.get('COURSE_TIME_ZONE', { infer: true });
  }

  async create(dto: CreateCourseDto): Promise<CourseResponse> {
    checkDeadline(dto.startDate, dto.enrolmentDeadline);
    try {
      const course = await this.courses.save(
        this.courses.create({ ...dto, enrolmentDeadline: new Date(dto.enrolmentDeadline) }),
      );
      return this.get(course.id);
    } catch (e) {
      if (isUniqueViolation(e)) throw codeTaken(dto.code);
      throw e;
    }
  }

  async list(query: ListCoursesQuery): Promise<Page<CourseResponse>> {
    const qb = this.courses
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.mentors', 'm')
      .orderBy('c.startDate', 'ASC')
      .addOrderBy('c.code', 'ASC');
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.q) {
      const like = containsPattern(query.q);
      qb.andWhere(
        new Brackets((w) => w.where('c.code ILIKE :like', { like }).orWhere('c.title ILIKE :like', { like })),
      );
    }
    const [items, total] = await qb.skip(query.skip).take(query.pageSize).getManyAndCount();
    return toPage(await this.respond(items), total, query);
  }

  async get(id: string): Promise<CourseResponse> {
    const [response] = await this.respond([await this.find(id)]);
    return response;
  }

  async update(id: string, dto: UpdateCourseDto): Promise<CourseResponse> {
    await this.db.transaction(async (em) => {
      // Locked like a seat hold, so capacity cannot drop below seats taken at the same moment.
      const course = await em.findOne(Course, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!course) throw notFound(id);
      checkDeadline(dto.startDate ?? course.startDate, dto.enrolmentDeadline ?? course.enrolmentDeadline.toISOString());
      if (dto.capacity !== undefined) {
        const taken = await this.seats.taken(id, em);
        if (dto.capacity < taken) {
          throw courseErrors.CAPACITY_BELOW_TAKEN(`Capacity ${dto.capacity} is below the ${taken} seats already taken`);
        }
      }
      const enrolmentDeadline = dto.enrolmentDeadline ? new Date(dto.enrolmentDeadline) : undefined;
      const changes = { ...dto, ...(enrolmentDeadline ? { enrolmentDeadline } : {}) };
      // The running applications carry the code they were posted with: renamed, the course they
      // know is gone. Queued before the update, so a refused update takes it back with it.
      const after: CourseCalendarState = {
        status: dto.status ?? course.status,
        enrolmentDeadline: enrolmentDeadline ?? course.enrolmentDeadline,
        startDate: dto.startDate ?? course.startDate,
      };
      const renamed = dto.code !== undefined && dto.code !== course.code;
      await queueCourseChange(
        em,
        course.code,
        calendarOf(course),
        renamed ? gone(after) : after,
        this.timeZone,
        renamed,
      );
      await em.update(Course, id, changes).catch((e: unknown) => {
        throw isUniqueViolation(e) ? codeTaken(dto.code!) : e;
      });
    });
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    try {
      await this.db.transaction(async (em) => {
        const course = await em.findOne(Course, { where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!course) throw notFound(id);
        // Applications still waiting for their form have no seat hold yet: for them the course closes.
        await queueCourseChange(em, course.code, calendarOf(course), gone(calendarOf(course)), this.timeZone, true);
        await em.delete(Course, id);
      });
    } catch (e) {
      // seat_holds reference the course: applications have been through it.
      if (isForeignKeyViolation(e)) {
        throw courseErrors.COURSE_HAS_SEAT_HOLDS('Applications hold or held seats on this course; close it instead');
      }
      throw e;
    }
  }

  /** The availability at `now`; `startsAt` is when the course starts (null when it is not shown: missing or draft). */
  async availability(
    code: string,
    now = new Date(),
  ): Promise<Availability & { freeSeats: number; startsAt: Date | null }> {
    const course = await this.courses.findOneBy({ code });
    const freeSeats = course ? Math.max(course.capacity - (await this.seats.taken(course.id)), 0) : 0;
    const result = assessAvailability(course, freeSeats, now, this.timeZone);
    return { ...result, freeSeats, startsAt: result.course ? courseStartsAt(result.course, this.timeZone) : null };
  }

  async publicAvailability(code: string): Promise<AvailabilityResponse> {
    const result = await this.availability(code);
    return {
      code,
      available: result.available,
      reason: result.available ? undefined : result.reason,
      freeSeats: result.freeSeats,
    };
  }

  async card(code: string): Promise<CourseCard> {
    const course = await this.courses.findOne({ where: { code }, relations: { mentors: true } });
    if (!course || course.status === CourseStatus.Draft) {
      throw courseErrors.COURSE_NOT_FOUND(`No course ${code}`);
    }
    return {
      code: course.code,
      title: course.title,
      description: course.description,
      startDate: course.startDate,
      enrolmentDeadline: course.enrolmentDeadline.toISOString(),
      priceKopecks: course.priceKopecks,
      mentors: (course.mentors ?? []).map(({ name, bio }) => ({ name, bio })),
    };
  }

  /** Where the course's staff notices go: its staff addresses and, when included, its mentors' e-mails. */
  async staffRecipients(code: string): Promise<StaffRecipientsResponse> {
    const course = await this.courses.findOne({ where: { code }, relations: { mentors: true } });
    if (!course) throw courseErrors.COURSE_NOT_FOUND(`No course ${code}`);
    const { recipients, includeMentors, dailyDigest } = course.staffNotifications ?? NO_STAFF_NOTIFICATIONS;
    const mentors = includeMentors
      ? (course.mentors ?? []).flatMap((m) => (m.contacts.email ? [m.contacts.email.trim().toLowerCase()] : []))
      : [];
    return {
      code: course.code,
      title: course.title,
      recipients: [...new Set([...recipients, ...mentors])],
      dailyDigest,
    };
  }

  private async find(id: string): Promise<Course> {
    const course = await this.courses.findOne({ where: { id }, relations: { mentors: true } });
    if (!course) throw notFound(id);
    return course;
  }

  private async respond(courses: Course[]): Promise<CourseResponse[]> {
    const counts = await this.seats.counts(courses.map((c) => c.id));
    return courses.map((c) => {
      const { held, confirmed } = counts.get(c.id)!;
      return {
        id: c.id,
        code: c.code,
        title: c.title,
        description: c.description,
        startDate: c.startDate,
        enrolmentDeadline: c.enrolmentDeadline.toISOString(),
        priceKopecks: c.priceKopecks,
        capacity: c.capacity,
        status: c.status,
        seatsHeld: held,
        seatsConfirmed: confirmed,
        freeSeats: Math.max(c.capacity - held - confirmed, 0),
        mentorIds: (c.mentors ?? []).map((m) => m.id),
        staffNotifications: c.staffNotifications ?? NO_STAFF_NOTIFICATIONS,
        createdAt: c.createdAt.toISOString(),
        updatedAt: c.updatedAt.toISOString(),
      };
    });
  }
}

function calendarOf({ status, enrolmentDeadline, startDate }: Course): CourseCalendarState {
  return { status, enrolmentDeadline, startDate };
}

function checkDeadline(startDate: string, enrolmentDeadline: string): void {
  if (new Date(enrolmentDeadline).toISOString().slice(0, 10) > startDate) {
    throw invalidFields([
      { field: 'enrolmentDeadline', errors: ['enrolmentDeadline must not be after the start date'] },
    ]);
  }
}

function notFound(id: string): DomainError {
  return courseErrors.COURSE_NOT_FOUND(`No course ${id}`);
}

function codeTaken(code: string): DomainError {
  return courseErrors.COURSE_CODE_TAKEN(`A course with code ${code} already exists`);
}
