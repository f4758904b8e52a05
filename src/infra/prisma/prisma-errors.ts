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

/** Thrown instead of querying while the database monitor holds PostgreSQL for unreachable. */
export class DatabaseUnavailableError extends Error {
  constructor(reason: string) {
    super(`database unavailable: ${reason}`);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Prisma's codes for a server it cannot reach or that stopped answering (not a refusal of the query). */
const UNREACHABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNREACHABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
const UNREACHABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** pg and pg-pool raise these as plain Errors: a connection that could not be made, or died, or a query with no answer. */
const UNREACHABLE_MESSAGES =
  /Query read timeout|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection closed|Can't reach database server/;

/**
 * Whether `err` (or its cause) says PostgreSQL could not be reached or stopped answering, as
 * opposed to refusing a statement. These become 503 `unavailable` at the HTTP edge, and BullMQ
 * retries the jobs that hit them. SQLSTATE class 08 (connection exception) and 57P01-57P03 (the
 * server shutting down or starting) count too.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    if (e instanceof DatabaseUnavailableError) return true;
    const { code, message, meta, cause } = e as {
      code?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
      cause?: unknown;
    };
    if (typeof code === 'string') {
      if (UNREACHABLE_PRISMA_CODES.has(code) || UNREACHABLE_SOCKET_CODES.has(code)) return true;
      if (/^08/.test(code) || /^57P0[123]$/.test(code)) return true;
    }
    const kind = meta?.driverAdapterError?.cause?.kind;
    if (typeof kind === 'string' && UNREACHABLE_ADAPTER_KINDS.has(kind)) return true;
    if (typeof message === 'string' && UNREACHABLE_MESSAGES.test(message)) return true;
    e = cause;
  }
  return false;
}
