import { POSTGRES_DEFAULTS } from '@otus/common/postgres';
import { DataSource } from 'typeorm';
import { CourseChange } from './course-changes/course-change.entity';
import { Course } from './courses/course.entity';
import { Mentor } from './mentors/mentor.entity';
import { migrations } from './migrations';
import { SeatHold } from './seats/seat-hold.entity';

export const entities = [Course, Mentor, SeatHold, CourseChange];

/**
 * For the TypeORM CLI and the migration test; the app wires the same entities through its modules.
 *   COURSE_DB_URL=… npx typeorm migration:generate -d services/course/dist/data-source.js services/course/src/migrations/<name>
 */
export default new DataSource({ ...POSTGRES_DEFAULTS, url: process.env.COURSE_DB_URL, entities, migrations });
