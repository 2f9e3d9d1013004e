import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { BaseEnv } from '../config/env';

/** Fields that identify a person; they are censored at any depth we log. */
export const PERSONAL_FIELDS = [
  'fullName',
  'clientName',
  'birthDate',
  'passport',
  'passportSeries',
  'passportNumber',
  'address',
  'phone',
  'email',
  'clientEmail',
  'signingCode',
  'token',
  'password',
  'apiKey',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-internal-token"]',
  'res.headers["set-cookie"]',
  // The user service's gateway check answers a CRM key with the JWT it was traded for.
  'res.headers["x-auth-token"]',
  ...PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*.*.*.${f}`]),
];

const QUIET_ROUTES = new Set(['/health', '/health/live']);

/**
 * Secrets carried in the path — the client's link (`/l/<token>`) and a webhook's download URL
 * (`/public/documents/<token>`) — never reach a log.
 */
const PATH_TOKEN = /(\/l\/|\/public\/documents\/)[^/?#]+/g;

export function maskLinkTokens<T extends { url?: string; params?: unknown }>(req: T): T {
  if (!req.url || !PATH_TOKEN.test(req.url)) return req;
  PATH_TOKEN.lastIndex = 0;
  return { ...req, url: req.url.replace(PATH_TOKEN, '$1[REDACTED]'), params: '[REDACTED]' };
}

export function loggerModule(service: string) {
  return LoggerModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService<BaseEnv, true>) => ({
      pinoHttp: {
        level: config.get('LOG_LEVEL', { infer: true }),
        base: { service },
        redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
        serializers: { req: maskLinkTokens },
        // The gateway sets X-Request-Id; the same id is the traceId of error bodies.
        genReqId: (req: IncomingMessage) => {
          const header = req.headers['x-request-id'];
          return (Array.isArray(header) ? header[0] : header) ?? randomUUID();
        },
        autoLogging: { ignore: (req: IncomingMessage) => QUIET_ROUTES.has(req.url ?? '') },
      },
    }),
  });
}
