import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, getSchemaPath, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CLIENT_SESSION_COOKIE } from '../auth/identity';
import { ErrorBody, FieldError } from '../errors/error-body';
import { ERROR_DESCRIPTIONS } from './api-errors';
import { withValidationConstraints } from './openapi-constraints';
import { SERVICE_NAME } from './service-info.module';

/** Security scheme names, as routes cite them in @ApiBearerAuth / @ApiSecurity / @ApiCookieAuth. */
export const SECURITY = { staff: 'staff', crm: 'crm', client: CLIENT_SESSION_COOKIE } as const;

/** Paths the gateway serves at its root rather than under /api/<service> (the client's pages and API). */
const GATEWAY_ROOT_PATHS = /^\/client\//;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ResponsesObject = OperationObject['responses'];

/** The service's OpenAPI document, generated from its controllers and DTOs. */
export function openApiDocument(app: INestApplication, service = app.get<string>(SERVICE_NAME)): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`OTUS Contract — ${service} service`)
    .setDescription(
      'Errors are `{ code, message, details?, traceId }` (schema ErrorBody) with stable UPPER_SNAKE codes: see docs/api.md.',
    )
    .setVersion('1.0')
    .addServer(`/api/${service}`, 'through the gateway')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'Staff access token from POST /api/user/auth/login',
      },
      SECURITY.staff,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Api-Key',
        description: 'CRM API key; the gateway trades it for a token',
      },
      SECURITY.crm,
    )
    .addCookieAuth(
      CLIENT_SESSION_COOKIE,
      { type: 'apiKey', in: 'cookie', description: 'Link session from POST /api/user/client-links/exchange' },
      SECURITY.client,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorBody, FieldError] });
  return withStandardErrors(withGatewayRootPaths(withValidationConstraints(app, document)));
}

/**
 * The document without starting anything: the module graph is built in preview mode, so no
 * database, engine or port is touched. The environment must still pass the service's schema.
 */
export async function previewOpenApiDocument(appModule: Type<unknown>, service: string): Promise<OpenAPIObject> {
  const app = await NestFactory.create(appModule, { preview: true, logger: false, abortOnError: false });
  try {
    return openApiDocument(app, service);
  } finally {
    await app.close();
  }
}

/** Serves the UI at /docs and the JSON at /docs-json. */
export function serveOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}

/** JSON with every object's keys sorted: the same document is always the same text. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

function withGatewayRootPaths(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    if (GATEWAY_ROOT_PATHS.test(path)) item.servers = [{ url: '/', description: 'the gateway’s root' }];
  }
  return document;
}

/** The errors any route of its shape can give, so that no route leaves them undocumented. */
function withStandardErrors(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) operation.responses = { ...operation.responses, ...standardErrors(operation) };
    }
  }
  return document;
}

function standardErrors(operation: OperationObject): ResponsesObject {
  const parameters = (operation.parameters ?? []) as { in?: string }[];
  const schemes = (operation.security ?? []).flatMap((s: Record<string, string[]>) => Object.keys(s));
  const statuses = [
    ...(parameters.length > 0 || operation.requestBody ? [400] : []),
    ...(schemes.length > 0 ? [401] : []),
    ...(schemes.includes(SECURITY.staff) || schemes.includes(SECURITY.crm) ? [403] : []),
    ...(parameters.some((p) => p.in === 'path') ? [404] : []),
    ...(operation.requestBody ? [413, 415] : []),
  ];
  return Object.fromEntries(
    statuses
      .filter((status) => !operation.responses?.[status])
      .map((status) => [
        status,
        {
          description: ERROR_DESCRIPTIONS[status],
          content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorBody) } } },
        },
      ]),
  );
}
