/**
 * Hot statements prepared once per connection (src/infra/prisma/prepared-statements.ts), against a
 * real PostgreSQL (the checks run in a Node process of their own,
 * test/support/prepared-statements-checks.ts): PREPAREd in a message of their own the first time a
 * connection meets them, then sent as EXECUTE in the transaction's usual messages; values read
 * back as bound parameters do; a failure after the PREPARE does not make the next use prepare
 * again; a statement that cannot be prepared fails its transaction with PostgreSQL's error and
 * keeps nothing; switched off, statements are inlined as before.
 */
import { checksOnTestDatabase } from '../support/support-script';

/** The checks' JSON report. */
const checks = checksOnTestDatabase<any>('prepared-statements-checks.ts');

const XID = ' ; SELECT pg_current_xact_id_if_assigned()::text AS xid';
const FIND = 'gantry_find_[0-9a-f]{10}';
const KEEP = 'gantry_keep_[0-9a-f]{10}';

it('prepares each statement once per connection, each PREPARE in a message of its own, then EXECUTEs it', () => {
  const [prepareFind, first, prepareKeep, commit] = checks.out.first as string[];
  expect(prepareFind).toMatch(new RegExp(`^PREPARE ${FIND} AS SELECT x FROM kept WHERE x = \\$1::int FOR UPDATE$`));
  expect(first).toMatch(new RegExp(`^BEGIN; EXECUTE ${FIND}\\('1'\\)${XID.replace(/[()]/g, '\\$&')}$`));
  expect(prepareKeep).toMatch(new RegExp(`^PREPARE ${KEEP} AS INSERT INTO kept VALUES \\(\\$1::int\\)$`));
  expect(commit).toMatch(new RegExp(`^EXECUTE ${KEEP}\\('1'\\); COMMIT$`));
  expect(checks.out.first).toHaveLength(4);

  // The second transaction on the connection prepares nothing.
  expect(checks.out.second).toHaveLength(2);
  expect(checks.out.second[0]).toMatch(new RegExp(`^BEGIN; EXECUTE ${FIND}\\('2'\\)`));
  expect(checks.out.second[1]).toMatch(new RegExp(`^EXECUTE ${KEEP}\\('2'\\); COMMIT$`));
  expect(checks.out.afterWrites).toEqual([1, 2]);
  expect(checks.out.onConnection).toEqual([expect.stringMatching(FIND), expect.stringMatching(KEEP)]);
});

it('reads values back through EXECUTE, and through pg’s named statements outside a transaction, as bound', () => {
  const expected = [
    { a: "it's a \\ back'slash", b: 'ünï€ødé', c: 42, d: '9007199254740993', e: null, f: ['a', "d'e", null] },
  ];
  expect(checks.out.probe.bound).toEqual(expected);
  expect(checks.out.probe.executed).toEqual(expected);
  expect(checks.out.probe.pooled).toEqual([expected, expected]);
});

it('keeps a statement prepared when the transaction of its first use fails, and EXECUTEs it next time', () => {
  expect(checks.out.failing).toEqual({ code: '23505', message: expect.stringMatching(/duplicate key/) });
  expect(checks.out.afterFailing).toEqual([
    expect.stringMatching(/^BEGIN; EXECUTE gantry_again_[0-9a-f]{10}\('1', '0'\); COMMIT$/),
  ]);
  expect(checks.out.afterRetry).toEqual([1, 2]);
});

it('fails the transaction of a statement PostgreSQL cannot prepare with its error, keeps nothing, and goes on', () => {
  expect(checks.out.unpreparable).toEqual({ code: '42725', message: 'operator is not unique: unknown + unknown' });
  expect(checks.out.afterUnpreparable).toEqual([1, 2]);
  expect(checks.out.next).toEqual([1, 2, 3]);
});

it('inlines the statements as before when switched off (DATABASE_PREPARED_STATEMENTS=off)', () => {
  expect(checks.out.off).toEqual([
    `BEGIN; SELECT x FROM kept WHERE x = '4'::int FOR UPDATE${XID}`,
    "INSERT INTO kept VALUES ('4'::int); COMMIT",
  ]);
});
