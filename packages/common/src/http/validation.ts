import { type ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { DomainError } from '../errors/domain-error';
import type { FieldError } from '../errors/error-body';
import { commonErrors } from '../errors/error-codes';

/**
 * An optional field that, when sent, must be valid: absent is fine, `null` is refused.
 * (class-validator's IsOptional skips null as well, which lets it reach a NOT NULL column as a 500.)
 * In an update DTO made with PartialType, pass `{ skipNullProperties: false }` so the same holds there.
 */
export const IsOptionalNotNull = () => ValidateIf((_, value: unknown) => value !== undefined);

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** A DTO class declares its fields, so every instance has them, `undefined` when the caller sent none. */
function withoutUnsetFields<T>(value: T): T {
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) {
    value.forEach(withoutUnsetFields);
    return value;
  }
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) delete (value as Record<string, unknown>)[key];
    else withoutUnsetFields(field);
  }
  return value;
}

/**
 * The one VALIDATION_FAILED (400, `details` listing the fields): the pipe's answer, and the
 * answer of the field rules a DTO cannot check alone (configuration, other rows, dates in
 * relation): the caller gets the same shape either way.
 */
export function invalidFields(details: FieldError[]): DomainError {
  return commonErrors.VALIDATION_FAILED('The request has invalid fields', { details });
}

/** Whether `error` is a VALIDATION_FAILED from `invalidFields` (the pipe's or a rule's). */
export function isInvalidFields(error: unknown): error is DomainError & { details: FieldError[] } {
  return error instanceof DomainError && error.code === 'VALIDATION_FAILED' && Array.isArray(error.details);
}

/**
 * The one ValidationPipe: strict DTOs (unknown fields refused), VALIDATION_FAILED listing every
 * field, and DTOs that hold only what was sent, so `Object.assign(entity, dto)` never writes an
 * absent field as undefined.
 */
export class DtoValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => invalidFields(flatten(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const result: unknown = await super.transform(value, metadata);
    return metadata.type === 'body' ? withoutUnsetFields(result) : result;
  }
}
