import { InitialSchema1795447728382 } from './1795447728382-initial-schema';
import { CourseChanges1796316930785 } from './1796316930785-course-changes';
import { CourseStaffNotifications1796405387551 } from './1796405387551-course-staff-notifications';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [
  InitialSchema1795447728382,
  CourseChanges1796316930785,
  CourseStaffNotifications1796405387551,
];
