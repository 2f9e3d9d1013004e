import { QueryFailedError } from 'typeorm';

function postgresCode(error: unknown): string | undefined {
  return error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
}

/** PostgreSQL's foreign_key_violation: a RESTRICT reference keeps the row. */
export function isForeignKeyViolation(error: unknown): boolean {
  return postgresCode(error) === '23503';
}

/** PostgreSQL's unique_violation: the database, not a prior SELECT, is the guard against duplicates. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && (!constraint || driverError.constraint === constraint);
}
