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

/** Seconds a caller should wait after a 503: a busy store or a restarting dependency is back within seconds. */
export const RETRY_AFTER_SECONDS = 2;

// The driver's errors when MongoDB cannot be reached or answered (mongoose's when it buffered in vain).
const MONGO_UNREACHABLE =
  /^Mongo(ServerSelection|Network|NetworkTimeout|PoolCleared|WaitQueueTimeout|NotConnected|TopologyClosed)Error$/;
// PostgreSQL SQLSTATEs of a busy or restarting server: serialization failure, deadlock, lock not
// available, too many connections, shutting down, crash shutdown, starting up, statement timeout.
const POSTGRES_BUSY = new Set(['40001', '40P01', '55P03', '53300', '57P01', '57P02', '57P03', '57014']);

/**
 * The service's own database is busy, restarting or out of reach: nothing is wrong with the
 * request, and the same request a moment later will do. Such an error answers 503 with
 * Retry-After, never 500 (a caller must not take it for a bug, nor give up).
 */
export function isStoreUnavailable(e: unknown): boolean {
  const {
    name = '',
    message = '',
    code,
    driverError,
  } = (e ?? {}) as {
    name?: string;
    message?: string;
    code?: unknown;
    driverError?: { code?: unknown };
  };
  if (MONGO_UNREACHABLE.test(name)) return true;
  if (name === 'MongooseError' && /buffering timed out/.test(message)) return true;
  // SQLite's writer lock in the local Mongo-protocol server.
  if (name === 'MongoServerError' && /database is locked|SQLITE_BUSY/.test(message)) return true;
  if (name === 'QueryFailedError') return POSTGRES_BUSY.has(String(driverError?.code ?? code));
  // node-postgres: the pool found no connection in time, or the server went away under one.
  return /timeout exceeded when trying to connect|Connection terminated/.test(message);
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
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
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
  if (isStoreUnavailable(exception)) {
    const { status, code } = commonErrors.STORE_UNAVAILABLE;
    return { status, body: { code, message: 'The service is busy; try again shortly', traceId } };
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
