import { InitialSchema1795448265261 } from './1795448265261-initial-schema';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [InitialSchema1795448265261];
