import type { AlreadyExistsKind } from '../../core/error-catalogue';
import { DomainError } from '../../core/errors';

/** Prisma error codes we turn into domain errors (the rest are real failures). */
export const isUniqueViolation = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';

/** For `.catch()` on a create: a unique-constraint violation becomes a 409 `<kind>/already_exists`. */
export const rethrowDuplicate =
  (kind: AlreadyExistsKind, key: string) =>
  (err: unknown): never => {
    if (isUniqueViolation(err)) throw new DomainError(`${kind}/already_exists`, `${kind} '${key}' already exists`);
    throw err;
  };
