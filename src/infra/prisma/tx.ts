declare const handle: unique symbol;

/**
 * A transaction in progress, as services see it: a handle they pass from one repository call to the
 * next so that several writes commit together, but not a client they could query with. Only
 * repositories open it (`txClient` in prisma.service.ts), so Prisma stays behind them.
 */
export interface Tx {
  readonly [handle]: 'Tx';
}

/**
 * For unit specs over fake repositories (no database): any object stands in for a transaction, and
 * the fake reads its own state back from the handle. The one place the opaque type is bridged.
 */
export const fakeTx = <T extends object>(state: T): Tx => state as unknown as Tx;
export const fakeTxState = <T extends object>(tx: Tx): T => tx as unknown as T;
