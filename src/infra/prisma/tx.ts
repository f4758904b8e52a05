declare const handle: unique symbol;

/**
 * A transaction in progress, as services see it: a handle they pass from one repository call to the
 * next so that several writes commit together, but not a client they could query with. Only
 * repositories open it (`txClient` in prisma.service.ts), so Prisma stays behind them.
 */
export interface Tx {
  readonly [handle]: 'Tx';
}
