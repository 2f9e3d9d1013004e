import { BadRequestException, INestApplication, ValidationError, ValidationPipe } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { AppExceptionFilter } from '../errors/exception.filter';
import { serveOpenApi } from './openapi';

interface FieldError {
  field: string;
  errors: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Shared by main.ts and tests, so both run the same pipes, filter and shutdown hooks. */
export function configureApp(app: INestApplication): INestApplication {
  app.useLogger(app.get(Logger));
  // Services sit behind exactly one proxy (NGINX / ingress-nginx): req.ip is the address it saw,
  // the last X-Forwarded-For entry; anything a client wrote before it is ignored.
  (app.getHttpAdapter().getInstance() as { set(key: string, value: unknown): void }).set('trust proxy', 1);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) =>
        new BadRequestException({
          code: 'VALIDATION_FAILED',
          message: 'The request has invalid fields',
          details: flatten(errors),
        }),
    }),
  );
  app.useGlobalFilters(new AppExceptionFilter());
  app.enableShutdownHooks();
  serveOpenApi(app);
  return app;
}
