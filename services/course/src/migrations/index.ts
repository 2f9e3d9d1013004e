import { CreateCourses1763900000000 } from './1763900000000-create-courses';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [CreateCourses1763900000000];
