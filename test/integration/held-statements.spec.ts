/**
 * Fewer round trips per transaction (src/infra/prisma/raw-connection.ts), against a real PostgreSQL
 * (the checks run in a Node process of their own, test/support/held-statements-checks.ts): the BEGIN
 * travels with the first statement, writes held with PrismaService.sqlAtCommit go in the COMMIT's
 * message, in order and in the transaction; a rollback drops them, a failing
 * one fails the transaction and leaves nothing, and the values inlined for them read back as bound
 * parameters do. A savepoint (PrismaService.savepoint) undoes only its own body when that fails.
 */
import { checksOnTestDatabase } from '../support/support-script';

/** The checks' JSON report. */
const checks = checksOnTestDatabase<any>('held-statements-checks.ts');

it('inlines values that read back exactly as the same values bound as parameters', () => {
  const [bound] = checks.out.inlined.bound;
  expect(bound).toMatchObject({
    a: "it's a \\ back'slash",
    d: 42,
    f: '9007199254740993',
    h: null,
    i: '2026-03-04T05:06:07.089Z',
    j: ['a', 'b"c', "d'e", 'f,g', '{h}', null],
    k: { nested: { quote: "'", list: [1, 'two', null] } },
    l: true,
    not_a_placeholder: '$1',
    dollar_quoted: ' $2 ',
  });
  expect(checks.out.inlined.inlined).toEqual(checks.out.inlined.bound);
});

/** What the first message also asks: the transaction's id, if its statement made PostgreSQL assign one. */
const XID = ' ; SELECT pg_current_xact_id_if_assigned()::text AS xid';

it('sends held writes in the COMMIT’s message, in order, after the other statements', () => {
  // Held until the COMMIT: the count in between does not see them.
  expect(checks.out.seen).toEqual({ own: true, n: 0 });
  expect(checks.out.messages).toEqual([
    `BEGIN; SELECT count(*) AS n FROM held${XID}`,
    "INSERT INTO held VALUES ('1'::int); INSERT INTO held VALUES ('2'::int); INSERT INTO held VALUES ('3'::int); COMMIT",
  ]);
  expect(checks.out.afterCommit).toEqual([1, 2, 3]);
  expect(checks.out.onlyHeld).toEqual(["BEGIN; INSERT INTO held VALUES ('4'::int); COMMIT"]);
});

it('sends BEGIN with the first statement, and the statements share its transaction', () => {
  expect(checks.out.firstMessages).toEqual([`BEGIN; SELECT now() AS t${XID}`, 'SELECT now() AS t', 'COMMIT']);
  expect(checks.out.sameTransaction).toBe(true);
});

it('drops held statements on a rollback and undoes the sent ones', () => {
  expect(checks.out.afterRollback).toEqual([1, 2, 3, 4]);
});

it('fails the transaction with the held statement’s own error, keeps nothing, and leaves the connections usable', () => {
  // The held statement's own error (pg's, with its SQLSTATE), not Prisma's report of a failed COMMIT.
  expect(checks.out.failing).toEqual({ name: 'error', code: '23505', message: expect.stringMatching(/duplicate key/) });
  expect(checks.out.afterFailing).toEqual([1, 2, 3, 4]);
  expect(checks.out.next).toEqual([true, true, true, true]);
});

it('sends nothing for a transaction that sent nothing, and works beside Prisma’s own statements', () => {
  expect(checks.out.empty).toBe('done');
  expect(checks.out.emptyMessages).toEqual([]);
  // Prisma's own statement ran; the held write is not visible before the COMMIT (it is in finalRows).
  expect(checks.out.prismaOnly).toBe(1);
});

it('refuses a statement held after the transaction was given up at its time limit, and keeps nothing of it', () => {
  expect(checks.out.late).toEqual({ name: 'TransactionClosedError', message: expect.stringMatching(/already ended/) });
  expect(checks.out.finalRows).toEqual([1, 2, 3, 4, 30, 31, 32, 33, 40, 41]);
});

it('undoes only a failing savepoint’s body (sent, held, or failed on the server) and the transaction goes on', () => {
  expect(checks.out.savepoint).toEqual({
    kept: 'kept',
    undone: 'refused',
    failed: '23505',
    unsent: 'refused before sending',
  });
  expect(checks.out.afterSavepoints).toEqual([60, 61, 62, 66]);
  // The SAVEPOINT goes with the body's first statement; only a body that sent something costs a
  // ROLLBACK TO, and one that succeeds costs nothing more.
  expect(checks.out.savepointMessages).toEqual([
    `BEGIN; INSERT INTO held VALUES ('60'::int)${XID}`,
    "SAVEPOINT gantry_1; INSERT INTO held VALUES ('61'::int)",
    "SAVEPOINT gantry_2; INSERT INTO held VALUES ('63'::int)",
    'ROLLBACK TO SAVEPOINT gantry_2',
    "SAVEPOINT gantry_3; INSERT INTO held VALUES ('60'::int)",
    'ROLLBACK TO SAVEPOINT gantry_3',
    'INSERT INTO held VALUES ($1::int)',
    "INSERT INTO held VALUES ('62'::int); COMMIT",
  ]);
});
