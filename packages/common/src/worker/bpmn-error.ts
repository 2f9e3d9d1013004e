/**
 * A modelled business outcome of a task (e.g. NO_SEATS): the process follows the error boundary
 * event with this code. Only handlers throw it, on purpose; a service's DomainError on a worker
 * path is not an outcome the model knows — the runner makes it an incident (4xx) or a retry (5xx).
 */
export class BpmnError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Process variables set with the error. */
    readonly variables?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'BpmnError';
  }
}
