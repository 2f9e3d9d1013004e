import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse } from '@nestjs/swagger';
import { CODE_BY_STATUS, ErrorBody, FieldError } from '../errors/error-body';

/** What each status means here, with the codes a caller may see; a route can say more. */
export const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED (details lists the fields), MALFORMED_JSON or BAD_REQUEST',
  401: 'UNAUTHENTICATED: no credentials, or not valid ones',
  403: 'FORBIDDEN: the caller’s role does not allow this',
  404: 'NOT_FOUND or <THING>_NOT_FOUND',
  409: 'CONFLICT: the state or a unique value does not allow this',
  410: 'GONE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE: send the body as application/json',
  422: 'A business rule refused it; code says which',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE: a dependency is down; try again',
};

export type ErrorResponse = number | { status: number; description: string };

/**
 * Documents error answers with the shared `ErrorBody` schema, e.g.
 * `@ApiErrorResponses(409, { status: 422, description: 'NO_SEATS: …' })`. The errors every route
 * of its kind can give (400, 401, 403, 404, 413, 415) are added to the document by openApiDocument().
 */
export function ApiErrorResponses(...responses: ErrorResponse[]) {
  return applyDecorators(
    ApiExtraModels(ErrorBody, FieldError),
    ...responses.map((r) => {
      const { status, description } = typeof r === 'number' ? { status: r, description: undefined } : r;
      return ApiResponse({
        status,
        description: description ?? ERROR_DESCRIPTIONS[status] ?? CODE_BY_STATUS[status] ?? `HTTP ${status}`,
        type: ErrorBody,
      });
    }),
  );
}
