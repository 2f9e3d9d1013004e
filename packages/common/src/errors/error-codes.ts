import { HttpStatus } from '@nestjs/common';
import { DomainError, type DomainErrorOptions } from './domain-error';

/** Makes the refusal with this code: the message is for people, the status comes with the code. */
export interface ErrorFactory<C extends string = string> {
  (message: string, options?: Omit<DomainErrorOptions, 'status'>): DomainError;
  readonly code: C;
  readonly status: HttpStatus;
  /** Whether `error` is this refusal (e.g. a service's NO_SEATS a handler turns into a BPMN error). */
  is(error: unknown): error is DomainError;
}

export type ErrorCatalogue<T extends Record<string, HttpStatus>> = {
  readonly [C in keyof T & string]: ErrorFactory<C>;
};

/** The codes of a catalogue, e.g. `ErrorCode<typeof courseErrors>`. */
export type ErrorCode<T> = T extends ErrorCatalogue<infer M> ? keyof M & string : never;

/**
 * A service's error codes with the HTTP status of each, written once (Twenty-style `as const`
 * map): `courseErrors.COURSE_NOT_FOUND(\`Course ${code} does not exist\`)`. A code that is not
 * in the catalogue does not compile, and one code cannot answer with two statuses.
 */
export function defineErrors<const T extends Record<string, HttpStatus>>(statuses: T): ErrorCatalogue<T> {
  const catalogue: Record<string, ErrorFactory> = {};
  for (const [code, status] of Object.entries(statuses)) {
    if (!/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(code)) throw new Error(`error code ${code} is not UPPER_SNAKE`);
    const make = (message: string, options: Omit<DomainErrorOptions, 'status'> = {}) =>
      new DomainError(code, message, { ...options, status });
    catalogue[code] = Object.assign(make, {
      code,
      status,
      is: (error: unknown): error is DomainError => error instanceof DomainError && error.code === code,
    });
  }
  return catalogue as ErrorCatalogue<T>;
}

/** Refusals every service can answer with; the services' own catalogues add theirs. */
export const commonErrors = defineErrors({
  VALIDATION_FAILED: HttpStatus.BAD_REQUEST,
  MALFORMED_JSON: HttpStatus.BAD_REQUEST,
  SEALED_VALUE_INVALID: HttpStatus.BAD_REQUEST,
  UNAUTHENTICATED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  ENGINE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  UPSTREAM_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  STORE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
});
export type CommonErrorCode = ErrorCode<typeof commonErrors>;
