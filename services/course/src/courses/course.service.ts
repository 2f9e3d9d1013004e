import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { assessAvailability, Availability } from './course-availability';
import { Course } from './course.entity';

@Injectable()
export class CourseService {
  constructor(@InjectRepository(Course) private readonly courses: Repository<Course>) {}

  async availability(code: string, now = new Date()): Promise<Availability> {
    const course = await this.courses.findOneBy({ code });
    return assessAvailability(course, course ? this.freeSeats(course) : 0, now);
  }

  /** Seat holds arrive with the seats feature; until then every seat of the capacity is free. */
  private freeSeats(course: Course): number {
    return course.capacity;
  }
}
