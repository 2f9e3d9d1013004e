import type { DomainError } from '@otus/common';
import { type Application, ApplicationStatus } from '../applications/application.schema';
import { contractErrors } from '../contract-errors';

/** How many corrections of the client's data the application has had, and may still have. */
export interface Corrections {
  /** CONTRACT_MAX_CORRECTIONS: 0 means the client cannot correct their data here. */
  max: number;
  used: number;
  left: number;
  /** The page offers «Исправить данные» now: the draft awaits a signature, not locked, and some are left. */
  allowed: boolean;
}

/** The counter of an application's corrections (StepClaims.claimNext). */
export const correctionPrefix = (applicationId: string) => `${applicationId}.correction`;

export function corrections(
  application: Pick<Application, 'status' | 'outcome' | 'cancellation' | 'signingLockedAt'>,
  used: number,
  max: number,
): Corrections {
  const left = Math.max(0, max - used);
  return { max, used, left, allowed: left > 0 && correctionRefusal(application, used, max) === null };
}

/**
 * Why the client may not correct their data now, or null: only while the draft awaits their
 * signature (not locked, not ended, not cancelled), and fewer than `max` times. Corrections
 * already used are `used`.
 */
export function correctionRefusal(
  application: Pick<Application, 'status' | 'outcome' | 'cancellation' | 'signingLockedAt'>,
  used: number,
  max: number,
): DomainError | null {
  if (max <= 0) return contractErrors.CORRECTION_NOT_ALLOWED('Corrections of the client data are turned off');
  if (application.status !== ApplicationStatus.DraftReady || application.outcome || application.cancellation) {
    return contractErrors.CORRECTION_NOT_ALLOWED('The data can be corrected only while the draft awaits a signature');
  }
  if (application.signingLockedAt) {
    return contractErrors.CORRECTION_NOT_ALLOWED('Signing is locked; the school will unlock it first');
  }
  if (used >= max) {
    return contractErrors.CORRECTION_LIMIT_REACHED(
      `The data were corrected ${used} times already; no more corrections`,
      {
        details: { maxCorrections: max, used },
      },
    );
  }
  return null;
}
