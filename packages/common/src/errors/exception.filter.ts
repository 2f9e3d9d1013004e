import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from './domain-error';

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
  traceId: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** Errors thrown by Express middleware (body-parser) carry their status this way. */
interface StatusError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

/** The one place that turns any error into `{ code, message, details?, traceId }`. */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(AppExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { id?: string }>();
    const res = http.getResponse<Response>();
    const traceId = String(req.id ?? req.headers['x-request-id'] ?? '');
    const { status, body } = this.describe(exception, traceId);
    // Deliberate 5xx answers (a failing health check) are already logged by the request log.
    if (status >= 500 && !(exception instanceof HttpException)) {
      this.logger.error({ err: exception, traceId }, 'request failed');
    }
    res.status(status).json(body);
  }

  private describe(exception: unknown, traceId: string): { status: number; body: ErrorBody } {
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
          message: fromBody.message ?? exception.message,
          details: fromBody.details,
          traceId,
        },
      };
    }
    const statusError = exception as StatusError;
    const status = statusError?.status ?? statusError?.statusCode;
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
}
