/**
 * PrismaService.sql against a real PostgreSQL (the checks run in a Node process of their own,
 * test/support/raw-sql-checks.ts): statements in a transaction go to that transaction's own
 * connection and commit or roll back with it; once Prisma ends a transaction on its timeout, a
 * statement asked for later is refused instead of running outside it; rows come back typed as
 * Prisma's `$queryRaw` types them; and the repositories' raw reads answer what the Prisma queries
 * they replaced answered.
 */
import { runSupportScript } from '../support/support-script';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
/** The checks' JSON report. */
let out: any;

beforeAll(async () => {
  db = await createTestDatabase();
  out = await runSupportScript('raw-sql-checks.ts', [db.url]);
});
afterAll(async () => {
  await db?.drop();
});

it('runs a transaction’s statements on its own connection', () => {
  expect(out.connection).toEqual({ own: true, samePid: true });
});

it('types rows as Prisma does, in a transaction and on the pool', () => {
  const expected = [
    {
      big: { bigint: '9007199254740993' },
      small: 7,
      at: { date: '2026-01-02T03:04:05.678Z' },
      doc: { a: [1, 'x', null] },
      list: ['p', 'q'],
      nothing: null,
      param: "o'k",
    },
  ];
  expect(out.types.prisma).toEqual(expected);
  expect(out.types.own).toEqual(expected);
  expect(out.types.pool).toEqual(expected);
});

it('commits and rolls back with the transaction', () => {
  expect(out.committed).toBe(2);
  expect(out.afterRollback).toBe(2);
});

it('refuses a statement after Prisma ended the transaction on its timeout, and keeps nothing of it', () => {
  expect(out.timeout.late).toEqual({ name: 'TransactionClosedError', message: expect.stringMatching(/already ended/) });
  expect(out.timeout.timedOut).not.toBe('resolved');
  expect(out.timeout.rows).toBe(2);
  expect(out.afterTimeout).toEqual([true, true, true, true]);
  expect(out.finalRows).toBe(6);
});

it('reads projects as the Prisma query did (environments in order, a project without any, a missing one)', () => {
  const [full, bare, missing] = out.projects;
  expect(full.raw.environments.map((e: { key: string }) => e.key)).toEqual(['production', 'staging', 'dev']);
  expect(full.raw).toEqual(full.prisma);
  expect(bare.raw).toEqual({ ...bare.prisma, environments: [] });
  expect(missing).toEqual({ raw: null, prisma: null });
});

it('lists environments created together with their project by key, in the raw read as in Prisma’s', () => {
  expect(out.createdOrder).toEqual({ raw: ['alpha', 'mid', 'zeta'], prisma: ['alpha', 'mid', 'zeta'] });
});

it('reads token status as the Prisma query did', () => {
  const [withMember, withoutMember, unknown] = out.tokens;
  expect(withMember.raw.member).toEqual({ deactivatedAt: { date: '2026-05-01T00:00:00.000Z' } });
  expect(withMember.raw).toEqual(withMember.prisma);
  expect(withoutMember.raw).toMatchObject({ member: null, purpose: 'scim' });
  expect(withoutMember.raw).toEqual(withoutMember.prisma);
  expect(unknown).toEqual({ raw: null, prisma: null });
});
