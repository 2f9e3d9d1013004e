import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** One invalid field of a VALIDATION_FAILED answer; nested fields are dotted (`contacts.email`). */
export class FieldError {
  @ApiProperty({ example: 'startDate' })
  field!: string;

  @ApiProperty({ type: [String], example: ['startDate must be YYYY-MM-DD'] })
  errors!: string[];
}

/** Every error answer of every service (and of the gateway): `{ code, message, details?, traceId }`. */
export class ErrorBody {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable UPPER_SNAKE code: branch on it, not on message' })
  code!: string;

  @ApiProperty({ example: 'The request has invalid fields', description: 'For people; may change' })
  message!: string;

  @ApiPropertyOptional({
    description: 'VALIDATION_FAILED: the invalid fields; other codes: facts about the refusal (e.g. attemptsLeft)',
    oneOf: [{ type: 'array', items: { $ref: getSchemaPath(FieldError) } }, { type: 'object' }],
  })
  details?: unknown;

  @ApiProperty({ example: '0f8e3c2a9b1d4e6f8a7b5c3d2e1f0a9b', description: 'The request id; quote it to support' })
  traceId!: string;
}

/** Codes for the statuses nothing more specific was said about. */
export const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
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
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};
