import { InitialSchema1795448265261 } from './1795448265261-initial-schema';
import { RedemptionEmailHashErasable1796407673637 } from './1796407673637-redemption-email-hash-erasable';

/** In order; TypeORM runs the pending ones at start-up. */
export const migrations = [InitialSchema1795448265261, RedemptionEmailHashErasable1796407673637];
