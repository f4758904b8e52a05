import type { ValidationError } from 'class-validator';
import { DomainError, type FieldError } from '../../core/errors';

/**
 * The ValidationPipe's errors as one request/invalid problem whose `errors[]` name each field by its
 * path (`environments.0.key`), so a client can point at it: an unknown property is named as
 * `{ field: 'foo', reason: 'unknown property' }` (class-validator says "property foo should not
 * exist", which used to come out as a field called "property").
 */
export function validationProblem(errors: ValidationError[]): DomainError {
  const fields = errors.flatMap((e) => fieldErrors(e, ''));
  const detail = fields.map((f) => (f.field ? `${f.field}: ${f.reason}` : f.reason)).join('; ') || 'invalid request';
  return new DomainError('request/invalid', detail, fields);
}

function fieldErrors(error: ValidationError, parent: string): FieldError[] {
  const field = parent ? `${parent}.${error.property}` : error.property;
  const own = Object.entries(error.constraints ?? {}).map(([name, message]) => ({
    field,
    reason: name === 'whitelistValidation' ? 'unknown property' : message,
  }));
  return [...own, ...(error.children ?? []).flatMap((child) => fieldErrors(child, field))];
}
