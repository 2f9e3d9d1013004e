import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { newSecret, secretHash } from '@otus/common';
import { DataSource, EntityManager } from 'typeorm';
import type { UserEnv } from '../config';
import { KeyService } from '../keys/key.service';
import type { User } from '../users/user.entity';
import { assertNewPassword, UserService } from '../users/user.service';
import type { TokenResponse } from './dto/auth.dto';
import { type LoginAttempt, LoginThrottleService } from './login-throttle.service';
import { RefreshToken } from './refresh-token.entity';
import { userErrors } from '../user-errors';

const WRONG_CREDENTIALS = 'Wrong e-mail or password';

const passwordChangeRequired = () =>
  userErrors.PASSWORD_CHANGE_REQUIRED(
    'This password must be changed before signing in: POST /api/user/auth/password with the current and a new one',
  );

@Injectable()
export class AuthService {
  private readonly accessTtlMs: number;
  private readonly refreshTtlMs: number;

  constructor(
    private readonly users: UserService,
    private readonly keys: KeyService,
    private readonly throttle: LoginThrottleService,
    @InjectDataSource() private readonly db: DataSource,
    config: ConfigService<UserEnv, true>,
  ) {
    this.accessTtlMs = config.get('USER_ACCESS_TOKEN_TTL', { infer: true });
    this.refreshTtlMs = config.get('USER_REFRESH_TOKEN_TTL', { infer: true });
  }

  /**
   * Signs in. The attempt is claimed against the address's lock first (LOGIN_LOCKED, 429, even
   * with the right password); an account that must change its password gets no token.
   */
  async login(email: string, password: string, clientAddress?: string): Promise<TokenResponse> {
    const user = await this.checkPassword(email, password, clientAddress);
    return this.issue(user, randomUUID());
  }

  /** Changes a password with the current one, without a token: the way out of PASSWORD_CHANGE_REQUIRED. */
  async changePassword(
    email: string,
    currentPassword: string,
    newPassword: string,
    clientAddress?: string,
  ): Promise<void> {
    const user = await this.checkPassword(email, currentPassword, clientAddress, { passwordChange: true });
    assertNewPassword(currentPassword, newPassword);
    await this.users.setPassword(user.id, newPassword);
    await this.throttle.audit({ email: user.email, userId: user.id, clientAddress }, 'password.changed');
  }

  private async checkPassword(
    email: string,
    password: string,
    clientAddress: string | undefined,
    { passwordChange = false } = {},
  ): Promise<User> {
    const who: LoginAttempt = { email: email.trim().toLowerCase(), clientAddress };
    const claimed = await this.throttle.claim(who);
    const { user, account } = await this.users.authenticate(email, password);
    who.userId = account?.id ?? null;
    if (!user) {
      await this.throttle.failed(who, claimed);
      throw userErrors.INVALID_CREDENTIALS(WRONG_CREDENTIALS);
    }
    await this.throttle.succeeded(who);
    if (user.mustChangePassword && !passwordChange) throw passwordChangeRequired();
    return user;
  }

  /** Rotates the refresh token. A token presented twice revokes its whole family: someone else has a copy. */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    const invalid = userErrors.INVALID_REFRESH_TOKEN('The refresh token is not valid; sign in again');
    const issued = await this.db.transaction(async (em) => {
      const stored = await em.findOne(RefreshToken, {
        where: { tokenHash: secretHash(refreshToken) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!stored) throw invalid;
      if (stored.revokedAt) {
        // Reuse: someone holds a copy. End the whole family (the revoke commits; the caller gets 401).
        await em.update(RefreshToken, { familyId: stored.familyId }, { revokedAt: new Date() });
        return null;
      }
      if (stored.expiresAt.getTime() <= Date.now()) throw invalid;
      await em.update(RefreshToken, stored.id, { revokedAt: new Date() });
      const user = await this.users.findActive(stored.userId);
      // The successor is stored in this transaction: a reuse of `stored` waits on its row lock and
      // then revokes the family with the successor in it (stored after commit, it would escape).
      return user ? this.issue(user, stored.familyId, em) : null;
    });
    if (!issued) throw invalid;
    return issued;
  }

  /** Ends the session the refresh token belongs to. Answers the same whatever the token. */
  async logout(refreshToken: string): Promise<void> {
    const stored = await this.db.manager.findOneBy(RefreshToken, { tokenHash: secretHash(refreshToken) });
    if (stored) await this.db.manager.update(RefreshToken, { familyId: stored.familyId }, { revokedAt: new Date() });
  }

  get accessTokenTtlMs(): number {
    return this.accessTtlMs;
  }

  private async issue(user: User, familyId: string, em: EntityManager = this.db.manager): Promise<TokenResponse> {
    // The one place tokens are made: none for an account that must change its password first.
    if (user.mustChangePassword) throw passwordChangeRequired();
    const refreshToken = newSecret();
    await em.insert(RefreshToken, {
      userId: user.id,
      familyId,
      tokenHash: secretHash(refreshToken),
      expiresAt: new Date(Date.now() + this.refreshTtlMs),
      revokedAt: null,
    });
    const accessToken = await this.keys.sign({ roles: user.roles }, user.id, 'staff', this.accessTtlMs);
    return { accessToken, tokenType: 'Bearer', expiresIn: Math.floor(this.accessTtlMs / 1000), refreshToken };
  }
}
