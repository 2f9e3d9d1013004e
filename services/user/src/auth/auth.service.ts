import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@otus/common';
import { DataSource } from 'typeorm';
import type { UserEnv } from '../config';
import { KeyService } from '../keys/key.service';
import { newSecret, secretHash } from '../tokens';
import type { User } from '../users/user.entity';
import { UserService } from '../users/user.service';
import type { TokenResponse } from './dto/auth.dto';
import { RefreshToken } from './refresh-token.entity';

const WRONG_CREDENTIALS = 'Wrong e-mail or password';

@Injectable()
export class AuthService {
  private readonly accessTtlMs: number;
  private readonly refreshTtlMs: number;

  constructor(
    private readonly users: UserService,
    private readonly keys: KeyService,
    @InjectDataSource() private readonly db: DataSource,
    config: ConfigService<UserEnv, true>,
  ) {
    this.accessTtlMs = config.get('USER_ACCESS_TOKEN_TTL', { infer: true });
    this.refreshTtlMs = config.get('USER_REFRESH_TOKEN_TTL', { infer: true });
  }

  async login(email: string, password: string): Promise<TokenResponse> {
    const user = await this.users.authenticate(email, password);
    if (!user) throw new DomainError('INVALID_CREDENTIALS', WRONG_CREDENTIALS, { status: 401 });
    return this.issue(user, randomUUID());
  }

  /** Rotates the refresh token. A token presented twice revokes its whole family: someone else has a copy. */
  async refresh(refreshToken: string): Promise<TokenResponse> {
    const invalid = new DomainError('INVALID_REFRESH_TOKEN', 'The refresh token is not valid; sign in again', {
      status: 401,
    });
    const { user, familyId } = await this.db.transaction(async (em) => {
      const stored = await em.findOne(RefreshToken, {
        where: { tokenHash: secretHash(refreshToken) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!stored) throw invalid;
      if (stored.revokedAt) {
        await em.update(RefreshToken, { familyId: stored.familyId }, { revokedAt: new Date() });
        return { user: null, familyId: stored.familyId };
      }
      if (stored.expiresAt.getTime() <= Date.now()) throw invalid;
      await em.update(RefreshToken, stored.id, { revokedAt: new Date() });
      return { user: await this.users.findActive(stored.userId), familyId: stored.familyId };
    });
    if (!user) throw invalid;
    return this.issue(user, familyId);
  }

  /** Ends the session the refresh token belongs to. Answers the same whatever the token. */
  async logout(refreshToken: string): Promise<void> {
    const stored = await this.db.manager.findOneBy(RefreshToken, { tokenHash: secretHash(refreshToken) });
    if (stored) await this.db.manager.update(RefreshToken, { familyId: stored.familyId }, { revokedAt: new Date() });
  }

  get accessTokenTtlMs(): number {
    return this.accessTtlMs;
  }

  private async issue(user: User, familyId: string): Promise<TokenResponse> {
    const refreshToken = newSecret();
    await this.db.manager.insert(RefreshToken, {
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
