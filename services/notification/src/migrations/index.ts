import { InitialSchema1795449538878 } from './1795449538878-initial-schema';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [InitialSchema1795449538878];
