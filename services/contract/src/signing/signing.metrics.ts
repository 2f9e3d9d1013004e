import { Counter } from 'prom-client';
import type { SigningLockReason } from './signing.service';

/** Signing locked by the caps on codes and tries: a rise means guessing, or mail that does not arrive. */
const signingLocks = new Counter({
  name: 'contract_signing_locks_total',
  help: 'Applications whose signing locked after the caps on codes and tries, by reason',
  labelNames: ['reason'],
});

export function countSigningLock(reason: SigningLockReason): void {
  signingLocks.inc({ reason });
}
