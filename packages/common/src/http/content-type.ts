import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConsumes } from '@nestjs/swagger';
import type { Request } from 'express';
import { commonErrors } from '../errors/error-codes';
import type { Observable } from 'rxjs';

export const CONSUMES_KEY = 'otus:consumes';
const JSON_ONLY = ['application/json'];

/**
 * Media types a route accepts besides nothing at all; routes say nothing and take JSON only.
 * Also documents them in OpenAPI, so the two cannot drift apart.
 */
export const Consumes = (...types: string[]) =>
  applyDecorators(SetMetadata(CONSUMES_KEY, types), ApiConsumes(...types));

/**
 * 415 UNSUPPORTED_MEDIA_TYPE for a body the route does not take (text/plain, XML, a form on a
 * JSON route): otherwise body-parser would leave it unread and validation would answer about
 * missing fields. Runs after the guards, so a caller without credentials still learns only that.
 */
@Injectable()
export class ContentTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      const accepted =
        this.reflector.getAllAndOverride<string[]>(CONSUMES_KEY, [context.getHandler(), context.getClass()]) ??
        JSON_ONLY;
      // An empty body is no body (type-is counts `Content-Length: 0`, which fetch sends on a bare POST).
      const length = req.headers['content-length'];
      const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
      if (hasBody && !req.is(accepted)) {
        throw commonErrors.UNSUPPORTED_MEDIA_TYPE(
          `Send the body as ${accepted.join(' or ')}, not ${req.get('content-type') ?? 'without a Content-Type'}`,
        );
      }
    }
    return next.handle();
  }
}
