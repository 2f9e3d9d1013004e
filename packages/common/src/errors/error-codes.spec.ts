import { HttpStatus } from '@nestjs/common';
import { DomainError } from './domain-error';
import { commonErrors, defineErrors } from './error-codes';

describe('defineErrors', () => {
  const errors = defineErrors({ COURSE_NOT_FOUND: HttpStatus.NOT_FOUND, NO_SEATS: HttpStatus.CONFLICT });

  it('makes a DomainError with the code and the status written once in the catalogue', () => {
    const error = errors.COURSE_NOT_FOUND('Course X does not exist', { details: { code: 'X' } });
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'COURSE_NOT_FOUND',
      status: 404,
      message: 'Course X does not exist',
      details: { code: 'X' },
    });
    expect(errors.NO_SEATS.code).toBe('NO_SEATS');
    expect(errors.NO_SEATS.status).toBe(409);
  });

  it('tells its own refusal from others', () => {
    expect(errors.NO_SEATS.is(errors.NO_SEATS('full'))).toBe(true);
    expect(errors.NO_SEATS.is(errors.COURSE_NOT_FOUND('gone'))).toBe(false);
    expect(errors.NO_SEATS.is(new Error('NO_SEATS'))).toBe(false);
    expect(commonErrors.FORBIDDEN('no').status).toBe(403);
  });

  it('refuses a code that is not UPPER_SNAKE', () => {
    expect(() => defineErrors({ noSeats: HttpStatus.CONFLICT })).toThrow('error code noSeats is not UPPER_SNAKE');
    expect(() => defineErrors({ NO__SEATS: HttpStatus.CONFLICT })).toThrow(/UPPER_SNAKE/);
  });
});
