/**
 * A pool connection asked for inside a transaction (src/infra/prisma/nested-connections.ts), against
 * a real PostgreSQL (the checks run in a Node process of their own,
 * test/support/nested-connection-checks.ts): under `refuse` every way onto the pool fails while the
 * transaction's own statements go on; under `report` the asks go through, each is counted, and each
 * call site is logged once with where it is.
 */
import { checksOnTestDatabase } from '../support/support-script';

const checks = checksOnTestDatabase<any>('nested-connection-checks.ts');

it('refuses the pool to a transaction body under refuse, but not its own statements or work said to be apart', () => {
  expect(checks.out.refused).toEqual({
    rawOnPool: 'NestedConnectionError',
    prismaOnPool: 'NestedConnectionError',
    prismaBatched: 'NestedConnectionError',
    nestedTransaction: 'NestedConnectionError',
    poolQuery: 'NestedConnectionError',
    ownRaw: 'ok',
    ownPrisma: 'ok',
    apart: 'ok',
  });
});

it('leaves work outside a transaction alone, including work a body set off that runs after it ended', () => {
  expect(checks.out.afterwards).toBe('ok');
  expect(checks.out.outside).toBe('ok');
  expect(checks.out.concurrent).toEqual(['ok', 'ok']);
});

it('lets the asks through under report, counts every one and logs each call site once, naming it', () => {
  expect(checks.out.reported).toEqual(['ok', 'ok', 'ok', 'ok']);
  expect(checks.out.reportedCount).toBe(4);
  // A query outside the transaction is not counted.
  expect(checks.out.outsideCount).toBe(4);
  // Three asks from the loop's one line, one from Prisma's line after it: two sites, each named.
  const reported = checks.out.warnings as string[];
  expect(reported).toHaveLength(2);
  for (const line of reported)
    expect(line).toMatch(
      /^a pool connection was asked for inside a transaction, at .*nested-connection-checks\.ts:\d+/,
    );
});

it('does not count a read made outside any transaction that Prisma dispatches with a transaction’s own', () => {
  expect(checks.out.sameTick).toEqual(['ok']);
});

it('names the caller of a Prisma read, batched or not, and each site once', () => {
  const refused = checks.out.refusedWarnings as string[];
  // The raw read, the nested transaction and pool.query from their lines; Prisma's two reads from
  // the one helper (outcome) that awaits them.
  expect(refused).toHaveLength(4);
  for (const line of refused)
    expect(line).toMatch(
      /^a pool connection was asked for inside a transaction, at .*nested-connection-checks\.ts:\d+/,
    );
});
