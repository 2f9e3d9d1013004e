import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Page, toPage, invalidFields } from '@otus/common';
import { containsPattern } from '@otus/common/postgres';
import { In, Repository } from 'typeorm';
import { Course } from '../courses/course.entity';
import type { CreateMentorDto, ListMentorsQuery, MentorResponse, UpdateMentorDto } from './dto/mentor.dto';
import { Mentor } from './mentor.entity';
import { courseErrors } from '../course-errors';

@Injectable()
export class MentorService {
  constructor(
    @InjectRepository(Mentor) private readonly mentors: Repository<Mentor>,
    @InjectRepository(Course) private readonly courses: Repository<Course>,
  ) {}

  async create({ courseIds = [], ...dto }: CreateMentorDto): Promise<MentorResponse> {
    const mentor = await this.mentors.save(this.mentors.create({ ...dto, courses: await this.findCourses(courseIds) }));
    return toResponse(mentor);
  }

  async list(query: ListMentorsQuery): Promise<Page<MentorResponse>> {
    const qb = this.mentors
      .createQueryBuilder('m')
      .leftJoinAndSelect('m.courses', 'c')
      .orderBy('m.name', 'ASC')
      .addOrderBy('m.id');
    if (query.q) qb.andWhere('m.name ILIKE :like', { like: containsPattern(query.q) });
    if (query.courseId) {
      qb.andWhere('EXISTS (SELECT 1 FROM course_mentors cm WHERE cm.mentor_id = m.id AND cm.course_id = :courseId)', {
        courseId: query.courseId,
      });
    }
    const [items, total] = await qb.skip(query.skip).take(query.pageSize).getManyAndCount();
    return toPage(items.map(toResponse), total, query);
  }

  async get(id: string): Promise<MentorResponse> {
    return toResponse(await this.find(id));
  }

  async update(id: string, { courseIds, ...dto }: UpdateMentorDto): Promise<MentorResponse> {
    const mentor = await this.find(id);
    Object.assign(mentor, dto);
    if (courseIds) mentor.courses = await this.findCourses(courseIds);
    return toResponse(await this.mentors.save(mentor));
  }

  async remove(id: string): Promise<void> {
    await this.find(id);
    await this.mentors.delete(id);
  }

  private async find(id: string): Promise<Mentor> {
    const mentor = await this.mentors.findOne({ where: { id }, relations: { courses: true } });
    if (!mentor) throw courseErrors.MENTOR_NOT_FOUND(`No mentor ${id}`);
    return mentor;
  }

  private async findCourses(ids: string[]): Promise<Course[]> {
    const unique = [...new Set(ids)];
    const found = unique.length ? await this.courses.findBy({ id: In(unique) }) : [];
    const missing = unique.filter((id) => !found.some((c) => c.id === id));
    if (missing.length) {
      throw invalidFields([{ field: 'courseIds', errors: [`no such course: ${missing.join(', ')}`] }]);
    }
    return found;
  }
}

function toResponse(m: Mentor): MentorResponse {
  return {
    id: m.id,
    name: m.name,
    bio: m.bio,
    contacts: m.contacts,
    courseIds: (m.courses ?? []).map((c) => c.id),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
