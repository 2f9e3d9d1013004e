import { HttpStatus } from '@nestjs/common';

export interface DomainErrorOptions {
  /** HTTP status when the error reaches a REST caller; business rule violations default to 422. */
  status?: HttpStatus;
  details?: unknown;
  /** Process variables to set when the error is thrown by a worker as a BPMN error. */
  variables?: Record<string, unknown>;
}

/**
 * A business outcome with a stable UPPER_SNAKE code. Over HTTP it becomes a 4xx body
 * `{ code, message }`; in a worker it becomes a BPMN error with the same code.
 */
export class DomainError extends Error {
  readonly status: HttpStatus;
  readonly details?: unknown;
  readonly variables?: Record<string, unknown>;

  constructor(
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = options.status ?? HttpStatus.UNPROCESSABLE_ENTITY;
    this.details = options.details;
    this.variables = options.variables;
  }
}
