import { plusPeriod } from '@otus/common';
import type { ConfigService } from '@nestjs/config';
import type { ContractEnv } from '../config';

/** The retention periods (CONTRACT_RETENTION_*), ISO-8601. */
export interface RetentionPeriods {
  withoutContract: string;
  concluded: string;
}

export function retentionPeriods(config: ConfigService<ContractEnv, true>): RetentionPeriods {
  return {
    withoutContract: config.get('CONTRACT_RETENTION_WITHOUT_CONTRACT', { infer: true }),
    concluded: config.get('CONTRACT_RETENTION_CONCLUDED', { infer: true }),
  };
}

/**
 * Until when an ended application's personal data must or may be kept: a concluded contract for
 * the period the school must keep contracts, any other ending for the short one. Null while the
 * application runs (or its end is not known yet).
 */
export function retainUntil(
  application: { outcome: string | null; endedAt: Date | null; updatedAt?: Date },
  periods: RetentionPeriods,
): Date | null {
  // Ended before endedAt was recorded: its last change is when its outcome was settled, or later.
  const ended = application.endedAt ?? application.updatedAt;
  if (!application.outcome || !ended) return null;
  const period = application.outcome === 'CONCLUDED' ? periods.concluded : periods.withoutContract;
  return plusPeriod(ended, period);
}
