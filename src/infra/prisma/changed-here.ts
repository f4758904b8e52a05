import { Prisma } from './generated/client';

/**
 * SQL: whether the row `alias` names was last written by the transaction the statement runs in
 * (its xmin is this transaction's id). What such a read returns is not committed and may never be;
 * a copy of it must not answer other transactions. The xid comparison is modulo 2^32, as xmin is.
 */
export const changedHere = (alias: string): Prisma.Sql =>
  Prisma.raw(
    `COALESCE(${alias}.xmin::text::bigint = pg_current_xact_id_if_assigned()::text::bigint % 4294967296, false)`,
  );
