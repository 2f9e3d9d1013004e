import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../errors/domain-error';
import type { BaseEnv } from '../config/env';
import { INTERNAL_KEY, PUBLIC_KEY, ROLES_KEY, type StaffRole } from './roles.decorator';
import { type StaffIdentity, TokenVerifier } from './token-verifier';

export type AuthenticatedRequest = Request & { staff?: StaffIdentity };

/**
 * The one guard of every service. Secure by default: a route must say who may call it.
 * The gateway checks first; this check repeats it so that a request that bypasses the
 * gateway, or carries forged identity headers, gets nothing.
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
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    if (this.reflector.getAllAndOverride<boolean>(INTERNAL_KEY, targets)) {
      return this.checkInternal(context.switchToHttp().getRequest<AuthenticatedRequest>());
    }
    const roles = this.reflector.getAllAndOverride<StaffRole[]>(ROLES_KEY, targets);
    if (!roles?.length) {
      throw new DomainError('FORBIDDEN', 'This route is not open to anyone', { status: 403 });
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) {
      throw new DomainError('UNAUTHENTICATED', 'A staff access token is required', { status: 401 });
    }
    request.staff = await this.verifier.verify(token);
    if (!roles.some((role) => request.staff!.roles.includes(role))) {
      throw new DomainError('FORBIDDEN', `This needs the role ${roles.join(' or ')}`, { status: 403 });
    }
    return true;
  }

  private checkInternal(request: AuthenticatedRequest): boolean {
    const expected = Buffer.from(this.config.get('INTERNAL_API_TOKEN', { infer: true }) ?? '');
    const given = Buffer.from(String(request.headers['x-internal-token'] ?? ''));
    if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DomainError('UNAUTHENTICATED', 'This route is for OTUS Contract services only', { status: 401 });
    }
    return true;
  }
}
