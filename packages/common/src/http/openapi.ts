import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { SERVICE_NAME } from './service-info.module';

/** The service's OpenAPI document, generated from its controllers and DTOs. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const service = app.get<string>(SERVICE_NAME);
  const config = new DocumentBuilder()
    .setTitle(`OTUS Contract — ${service} service`)
    .setVersion('1.0')
    .addServer(`/api/${service}`, 'through the gateway')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'staff')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Serves the UI at /docs and the JSON at /docs-json. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
