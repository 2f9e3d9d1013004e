import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { BaseEnv } from '../config/env';
import type { ClientIdentity, StaffIdentity } from './identity';
import { commonErrors } from '../errors/error-codes';

/**
 * Verifies the user service's tokens: ES256 JWTs whose `kid` names a key of its JWKS. Keys
 * come from AUTH_JWKS_URL (cached; an unknown `kid` triggers a refetch at most once a
 * second, so a freshly rotated key works at once) or inline from AUTH_JWKS. Staff and
 * client tokens have different audiences, so neither passes for the other.
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
      ? createRemoteJWKSet(new URL(url), { cooldownDuration: 1_000, cacheMaxAge: 300_000 })
      : createLocalJWKSet(JSON.parse(inline!) as JSONWebKeySet);
    this.issuer = config.get('AUTH_ISSUER', { infer: true });
    this.audience = config.get('AUTH_AUDIENCE', { infer: true });
  }

  async verifyStaff(token: string): Promise<StaffIdentity> {
    const payload = await this.verify(token, this.audience, 'access token');
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    return { subject: payload.sub!, roles };
  }

  async verifyClient(token: string): Promise<ClientIdentity> {
    const payload = await this.verify(token, clientAudience(this.audience), 'link session');
    return { applicationId: payload.sub! };
  }

  private async verify(token: string, audience: string, what: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keys, { issuer: this.issuer, audience, algorithms: ['ES256'] });
      if (!payload.sub) throw new errors.JWTClaimValidationFailed('missing sub', payload, 'sub');
      return payload;
    } catch (e) {
      const expired = e instanceof errors.JWTExpired;
      throw commonErrors.UNAUTHENTICATED(expired ? `The ${what} has expired` : `The ${what} is not valid`);
    }
  }
}

/** Link sessions are for clients, not staff: same issuer and keys, another audience. */
export function clientAudience(staffAudience: string): string {
  return `${staffAudience}-client`;
}
