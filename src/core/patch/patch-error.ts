import type { ErrorCode } from '../error-catalogue';
import { DomainError, FieldError } from '../errors';

/** One instruction failed; `errors[0].index` says which, so a client can point at it. */
export class PatchError extends DomainError {
  constructor(errors: FieldError[], code: PatchErrorCode = 'patch/invalid_instruction') {
    super(code, describe(errors), errors);
  }

  static at(index: number | undefined, reason: string, field?: string): PatchError {
    return new PatchError([fieldError(index, reason, field)]);
  }
}

/** The catalogue's `patch/*` codes (both 400: the instructions are bad input). */
export type PatchErrorCode = Extract<ErrorCode, `patch/${string}`>;

/** An archived flag is read-only until restored: a conflict with the flag's state, not bad input. */
export class FlagArchivedError extends DomainError {
  constructor(index: number) {
    super('flag/archived', `instruction ${index}: flag is archived`, [{ index, reason: 'flag is archived' }]);
  }
}

function fieldError(index: number | undefined, reason: string, field?: string): FieldError {
  const error: FieldError = { reason };
  if (index !== undefined) error.index = index;
  if (field !== undefined) error.field = field;
  return error;
}

function describe(errors: FieldError[]): string {
  const first = errors[0];
  if (!first) return 'invalid instructions';
  const where = first.index === undefined ? 'instructions' : `instruction ${first.index}`;
  return first.field ? `${where}: ${first.field}: ${first.reason}` : `${where}: ${first.reason}`;
}
