import type { INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppExceptionFilter, bodyParserErrors } from '../errors/exception.filter';
import { ContentTypeInterceptor } from './content-type';
import { serveOpenApi } from './openapi';
import { DtoValidationPipe } from './validation';

/**
 * The largest body a service reads (413 PAYLOAD_TOO_LARGE beyond it). Our bodies are forms and
 * settings of a few kB; the gateway's own limit (1 MB) stops bigger ones before they get here.
 */
export const BODY_LIMIT = '100kb';

/** Shared by main.ts and tests, so both run the same pipes, filter and shutdown hooks. */
export function configureApp(app: INestApplication): INestApplication {
  app.useLogger(app.get(Logger));
  // Services sit behind exactly one proxy (NGINX / ingress-nginx): req.ip is the address it saw,
  // the last X-Forwarded-For entry; anything a client wrote before it is ignored.
  (app.getHttpAdapter().getInstance() as { set(key: string, value: unknown): void }).set('trust proxy', 1);
  // Registered here, so Nest does not add its own parsers with their defaults.
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: BODY_LIMIT });
  express.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.use(bodyParserErrors);
  app.useGlobalPipes(new DtoValidationPipe());
  app.useGlobalInterceptors(new ContentTypeInterceptor(app.get(Reflector)));
  app.useGlobalFilters(new AppExceptionFilter());
  app.enableShutdownHooks();
  serveOpenApi(app);
  return app;
}
