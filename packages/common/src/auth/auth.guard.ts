import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { parse as parseCookies } from 'cookie';
import type { BaseEnv } from '../config/env';
import { type AuthenticatedRequest, CLIENT_SESSION_COOKIE } from './identity';
import { CLIENT_KEY, INTERNAL_KEY, PUBLIC_KEY, type Role, ROLES_KEY } from './roles.decorator';
import { TokenVerifier } from './token-verifier';
import { commonErrors } from '../errors/error-codes';

/**
 * The one guard of every service. Secure by default: a route must say who may call it.
 * The gateway checks first; this check repeats it, so a request that bypasses the gateway
 * or carries forged identity headers gets nothing. Identity comes only from verified tokens.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly config: ConfigService<BaseEnv, true>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const says = <T>(key: string) => this.reflector.getAllAndOverride<T>(key, targets);
    if (says<boolean>(PUBLIC_KEY)) return true;
    if (says<boolean>(INTERNAL_KEY)) return this.checkInternal(request);
    if (says<boolean>(CLIENT_KEY)) {
      const token = parseCookies(request.headers.cookie ?? '')[CLIENT_SESSION_COOKIE];
      if (!token) throw commonErrors.UNAUTHENTICATED('Open the link from your e-mail first');
      request.client = await this.verifier.verifyClient(token);
      return true;
    }
    const roles = says<Role[]>(ROLES_KEY);
    if (!roles?.length) throw commonErrors.FORBIDDEN('This route is not open to anyone');
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) {
      throw commonErrors.UNAUTHENTICATED('An access token is required');
    }
    request.staff = await this.verifier.verifyStaff(token);
    if (!roles.some((role) => request.staff!.roles.includes(role))) {
      throw commonErrors.FORBIDDEN(`This needs the role ${roles.join(' or ')}`);
    }
    return true;
  }

  private checkInternal(request: AuthenticatedRequest): boolean {
    const expected = Buffer.from(this.config.get('INTERNAL_API_TOKEN', { infer: true }) ?? '');
    const given = Buffer.from(String(request.headers['x-internal-token'] ?? ''));
    if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw commonErrors.UNAUTHENTICATED('This route is for OTUS Contract services only');
    }
    return true;
  }
}
