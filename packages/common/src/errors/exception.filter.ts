import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { UpstreamError } from '../http/internal-http.client';
import { DomainError } from './domain-error';
import { CODE_BY_STATUS, type ErrorBody } from './error-body';
import { commonErrors } from './error-codes';

/** Errors thrown by Express middleware (body-parser) carry their status and kind this way. */
interface StatusError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  /** body-parser's kind of failure, e.g. `entity.parse.failed`. */
  type?: string;
  limit?: number;
}

/** body-parser's failures, each as the answer a caller can act on. */
const BODY_ERRORS: Record<string, (e: StatusError) => DomainError> = {
  'entity.parse.failed': (e) =>
    commonErrors.MALFORMED_JSON(`The request body is not valid JSON${e.message ? `: ${e.message}` : ''}`),
  'entity.too.large': (e) =>
    commonErrors.PAYLOAD_TOO_LARGE(`The request body is too large${e.limit ? ` (at most ${e.limit} bytes)` : ''}`),
  'charset.unsupported': (e) => commonErrors.UNSUPPORTED_MEDIA_TYPE(`Only UTF-8: ${e.message}`),
  'encoding.unsupported': (e) => commonErrors.UNSUPPORTED_MEDIA_TYPE(String(e.message)),
};

/**
 * Express error middleware for right after the body parsers: Nest would turn their failures
 * into a bare 400 and lose what went wrong, so they become DomainErrors here.
 */
export function bodyParserErrors(err: unknown, _req: Request, _res: Response, next: (err?: unknown) => void): void {
  const type = (err as StatusError | undefined)?.type;
  const known = type ? BODY_ERRORS[type] : undefined;
  next(known ? known(err as StatusError) : err);
}

/** The one place that turns any error into `{ code, message, details?, traceId }`. */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(AppExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    // Body-parser failures come before the request logger has named the request.
    const traceId = String(req.id ?? req.headers['x-request-id'] ?? randomUUID());
    const { status, body } = describeError(exception, traceId);
    // Deliberate 5xx answers (a failing health check) are already logged by the request log.
    if (status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error({ err: exception, traceId }, 'request failed');
    }
    if (res.headersSent) return void res.end();
    res.status(status).json(body);
  }
}

export function describeError(exception: unknown, traceId: string): { status: number; body: ErrorBody } {
  if (exception instanceof DomainError) {
    const { code, message, details, status } = exception;
    return { status, body: { code, message, details, traceId } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const fromBody = typeof response === 'object' ? (response as Partial<ErrorBody>) : {};
    return {
      status,
      body: {
        code: fromBody.code ?? CODE_BY_STATUS[status] ?? `HTTP_${status}`,
        message: typeof fromBody.message === 'string' ? fromBody.message : exception.message,
        details: fromBody.details,
        traceId,
      },
    };
  }
  // The engine or another service failed (or timed out) under this request: the caller may try
  // again, and the upstream's own status must not pass for ours (its 500 is not our bug).
  if (exception instanceof UpstreamError && (exception.status ?? 500) >= 500) {
    const { status, code } = commonErrors.UPSTREAM_UNAVAILABLE;
    const message = `A service this request needs did not answer (${exception.target}); try again shortly`;
    return { status, body: { code, message, traceId } };
  }
  const statusError = (exception ?? {}) as StatusError;
  const status = statusError.status ?? statusError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      body: {
        code: CODE_BY_STATUS[status] ?? `HTTP_${status}`,
        message: statusError.expose && statusError.message ? statusError.message : 'Bad request',
        traceId,
      },
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { code: 'INTERNAL_ERROR', message: 'Internal error', traceId },
  };
}
