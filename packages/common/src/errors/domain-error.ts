import { HttpStatus } from '@nestjs/common';

export interface DomainErrorOptions {
  /** HTTP status when the error reaches a REST caller; business rule violations default to 422. */
  status?: HttpStatus;
  details?: unknown;
}

/**
 * A refusal with a stable UPPER_SNAKE code, made from a service's catalogue (`defineErrors`).
 * Over HTTP it becomes a 4xx/5xx body `{ code, message, details? }`. It is not a BPMN error: a
 * handler that means a modelled outcome throws `BpmnError` (see the task runner).
 */
export class DomainError extends Error {
  readonly status: HttpStatus;
  readonly details?: unknown;

  constructor(
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.status = options.status ?? HttpStatus.UNPROCESSABLE_ENTITY;
    this.details = options.details;
  }
}
