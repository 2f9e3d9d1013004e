import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { BaseEnv } from '../config/env';
import { DomainError } from '../errors/domain-error';

export interface StaffIdentity {
  subject: string;
  roles: string[];
}

/**
 * Verifies staff access tokens: ES256/RS256 JWTs whose `kid` names a key of the issuer's
 * JWKS. Keys come from AUTH_JWKS_URL (fetched and cached, refreshed on an unknown kid) or
 * inline from AUTH_JWKS.
 */
@Injectable()
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly issuer: string;
  private readonly audience: string;

  constructor(config: ConfigService<BaseEnv, true>) {
    const url = config.get('AUTH_JWKS_URL', { infer: true });
    const inline = config.get('AUTH_JWKS', { infer: true });
    if (!url && !inline) throw new Error('Invalid environment:\n  AUTH_JWKS_URL or AUTH_JWKS: one of them is required');
    this.keys = url
      ? createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000 })
      : createLocalJWKSet(JSON.parse(inline!));
    this.issuer = config.get('AUTH_ISSUER', { infer: true });
    this.audience = config.get('AUTH_AUDIENCE', { infer: true });
  }

  async verify(token: string): Promise<StaffIdentity> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: ['ES256', 'RS256'],
      });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
      if (!payload.sub) throw new DomainError('UNAUTHENTICATED', 'The token has no subject', { status: 401 });
      return { subject: payload.sub, roles };
    } catch (e) {
      if (e instanceof DomainError) throw e;
      const expired = e instanceof errors.JWTExpired;
      throw new DomainError(
        'UNAUTHENTICATED',
        expired ? 'The access token has expired' : 'The access token is not valid',
        {
          status: 401,
        },
      );
    }
  }
}
