import { InitialSchema1795447728382 } from './1795447728382-initial-schema';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [InitialSchema1795447728382];
