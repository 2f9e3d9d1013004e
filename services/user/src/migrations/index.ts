import { InitialSchema1795449269012 } from './1795449269012-initial-schema';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [InitialSchema1795449269012];
