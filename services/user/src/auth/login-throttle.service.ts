import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@otus/common';
import { DataSource } from 'typeorm';
import type { UserEnv } from '../config';
import { LoginEvent, type LoginEventType } from './login-event.entity';
import { userErrors } from '../user-errors';

/** Who is trying: the e-mail as typed (lower-cased), the account if one has it, and from where. */
export interface LoginAttempt {
  email: string;
  userId?: string | null;
  clientAddress?: string | null;
}

/** An attempt the caller may check a password for; `settle` says how it went. */
export interface ClaimedAttempt {
  attempt: number;
  /** The lock this attempt set, if it was the last one allowed: it holds unless the password is right. */
  lockedUntil: Date | null;
}

export class LoginLockedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(userErrors.LOGIN_LOCKED.code, 'Too many failed sign-ins to this account; try again later', {
      status: userErrors.LOGIN_LOCKED.status,
      details: { retryAfter: retryAfterSeconds },
    });
  }
}

// A row's window starts afresh when it has run out, or when its lock has run out.
const FRESH = `(t.window_started_at <= now() - $3 * interval '1 millisecond' OR t.locked_until <= now())`;
const NEXT_ATTEMPT = `(CASE WHEN ${FRESH} THEN 1 ELSE t.attempts + 1 END)`;

/**
 * Per-account back-off for staff sign-in. Each attempt is claimed by one UPDATE before the
 * password is checked, and the claim that reaches USER_LOGIN_MAX_FAILURES sets the lock at
 * once, so parallel guesses cannot get more tries than allowed. Keyed by e-mail, not by
 * account: an unknown address locks the same way, and nothing tells them apart.
 */
@Injectable()
export class LoginThrottleService {
  private readonly logger = new Logger(LoginThrottleService.name);
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly lockMs: number;
  private readonly lockMaxMs: number;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    config: ConfigService<UserEnv, true>,
  ) {
    this.maxFailures = config.get('USER_LOGIN_MAX_FAILURES', { infer: true });
    this.windowMs = config.get('USER_LOGIN_FAILURE_WINDOW', { infer: true });
    this.lockMs = config.get('USER_LOGIN_LOCK', { infer: true });
    this.lockMaxMs = config.get('USER_LOGIN_LOCK_MAX', { infer: true });
  }

  /** Claims one attempt, or throws LoginLockedError (audited) while the address is locked. */
  async claim(who: LoginAttempt): Promise<ClaimedAttempt> {
    await this.db.query(
      `INSERT INTO login_throttles (email, attempts, window_started_at) VALUES ($1, 0, now()) ON CONFLICT (email) DO NOTHING`,
      [who.email],
    );
    // One statement: the row is locked (FOR UPDATE) before it is read and written, so parallel claims count one by one.
    const [rows] = await this.db.query<
      [{ attempts: number; locked_until: Date | null; previous_lock: Date | null }[], number]
    >(
      `WITH previous AS (SELECT locked_until FROM login_throttles WHERE email = $1 FOR UPDATE)
       UPDATE login_throttles t SET
         attempts = ${NEXT_ATTEMPT},
         window_started_at = CASE WHEN ${FRESH} THEN now() ELSE t.window_started_at END,
         locked_until = CASE WHEN ${NEXT_ATTEMPT} >= $2
           THEN now() + LEAST($4 * power(2, LEAST(t.locks, 30)), $5) * interval '1 millisecond' END,
         locks = t.locks + CASE WHEN ${NEXT_ATTEMPT} >= $2 THEN 1 ELSE 0 END
       FROM previous p
       WHERE t.email = $1 AND (t.locked_until IS NULL OR t.locked_until <= now())
       RETURNING t.attempts, t.locked_until, p.locked_until AS previous_lock`,
      [who.email, this.maxFailures, this.windowMs, this.lockMs, this.lockMaxMs],
    );
    const claimed = rows[0];
    if (!claimed) {
      const [row] = await this.db.query<
        {
          locked_until: Date | null;
        }[]
      >(`SELECT locked_until FROM login_throttles WHERE email = $1`, [who.email]);
      const retryAfter = Math.max(1, Math.ceil(((row?.locked_until?.getTime() ?? Date.now()) - Date.now()) / 1000));
      await this.audit(who, 'login.refused', { retryAfter });
      throw new LoginLockedError(retryAfter);
    }
    if (claimed.previous_lock) await this.audit(who, 'login.unlocked', { reason: 'lock expired' });
    return { attempt: claimed.attempts, lockedUntil: claimed.locked_until };
  }

  /** After a wrong password: audited, and the lock this attempt set (if any) is audited as well. */
  async failed(who: LoginAttempt, claimed: ClaimedAttempt): Promise<void> {
    await this.audit(who, 'login.failed', { attempt: claimed.attempt });
    if (claimed.lockedUntil) {
      await this.audit(who, 'login.locked', { until: claimed.lockedUntil.toISOString(), failures: claimed.attempt });
      this.logger.warn({ email: who.email, until: claimed.lockedUntil }, 'sign-in locked after repeated failures');
    }
  }

  /** After the right password: the count starts again (and a lock this attempt set is lifted). */
  async succeeded(who: LoginAttempt, event: LoginEventType = 'login.succeeded'): Promise<void> {
    await this.db.query(`DELETE FROM login_throttles WHERE email = $1`, [who.email]);
    await this.audit(who, event);
  }

  /** An administrator set the password: any lock on the address ends. */
  async reset(who: LoginAttempt, reason: string): Promise<void> {
    const [, deleted] = await this.db.query<[unknown, number]>(
      `DELETE FROM login_throttles WHERE email = $1 AND locked_until > now()`,
      [who.email],
    );
    if (deleted > 0) await this.audit(who, 'login.unlocked', { reason });
  }

  async audit(who: LoginAttempt, event: LoginEventType, detail: Record<string, unknown> | null = null): Promise<void> {
    await this.db.manager.insert(LoginEvent, {
      email: who.email,
      userId: who.userId ?? null,
      event,
      clientAddress: who.clientAddress?.slice(0, 64) ?? null,
      detail: detail as never,
    });
  }
}
