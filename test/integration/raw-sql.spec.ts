/**
 * PrismaService.sql against a real PostgreSQL (the checks run in a Node process of their own,
 * test/support/raw-sql-checks.ts): statements in a transaction go to that transaction's own
 * connection and commit or roll back with it; once a transaction is given up at its time limit, a
 * statement asked for later is refused instead of running outside it; rows come back typed as
 * Prisma's `$queryRaw` types them; and the repositories' raw reads answer what the Prisma queries
 * they replaced answered.
 */
import { checksOnTestDatabase } from '../support/support-script';

/** The checks' JSON report. */
const checks = checksOnTestDatabase<any>('raw-sql-checks.ts');

it('runs a transaction’s statements on its own connection', () => {
  expect(checks.out.connection).toEqual({ own: true, samePid: true });
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
  expect(checks.out.types.prisma).toEqual(expected);
  expect(checks.out.types.own).toEqual(expected);
  expect(checks.out.types.pool).toEqual(expected);
});

it('commits and rolls back with the transaction', () => {
  expect(checks.out.committed).toBe(2);
  expect(checks.out.afterRollback).toBe(2);
});

it('refuses a statement after the transaction was given up at its time limit, and keeps nothing of it', () => {
  expect(checks.out.timeout.late).toEqual({
    name: 'TransactionClosedError',
    message: expect.stringMatching(/already ended/),
  });
  expect(checks.out.timeout.timedOut).not.toBe('resolved');
  expect(checks.out.timeout.rows).toBe(2);
  expect(checks.out.afterTimeout).toEqual([true, true, true, true]);
  expect(checks.out.finalRows).toBe(6);
});

it('reads projects as the Prisma query did (environments in order, a project without any, a missing one)', () => {
  const [full, bare, missing] = checks.out.projects;
  expect(full.raw.environments.map((e: { key: string }) => e.key)).toEqual(['production', 'staging', 'dev']);
  expect(full.raw).toEqual(full.prisma);
  expect(bare.raw).toEqual({ ...bare.prisma, environments: [] });
  expect(missing).toEqual({ raw: null, prisma: null });
});

it('lists environments created together with their project by key, in the raw read as in Prisma’s', () => {
  expect(checks.out.createdOrder).toEqual({ raw: ['alpha', 'mid', 'zeta'], prisma: ['alpha', 'mid', 'zeta'] });
});

it('reads token status as the Prisma query did', () => {
  const [withMember, withoutMember, unknown] = checks.out.tokens;
  expect(withMember.raw.member).toEqual({ deactivatedAt: { date: '2026-05-01T00:00:00.000Z' } });
  expect(withMember.raw).toEqual(withMember.prisma);
  expect(withoutMember.raw).toMatchObject({ member: null, purpose: 'scim' });
  expect(withoutMember.raw).toEqual(withoutMember.prisma);
  expect(unknown).toEqual({ raw: null, prisma: null });
});

it('reads a project’s settings revision as Prisma reads it', () => {
  const { revision, prisma } = checks.out.projectRevision;
  expect(revision).toEqual(prisma);
  expect(revision).toEqual({ bigint: expect.stringMatching(/^\d+$/) });
});

it('marks a project read in the transaction that changed it (an environment renamed) as uncommitted', () => {
  expect(checks.out.uncommitted).toEqual([false, true, false]);
  // A flag locked there carries no settings revision, so nothing cached by revision is filled from it.
  expect(checks.out.lockedRevisions).toEqual(['bigint', 'undefined']);
});

it('reads releases as the Prisma query did, with and without a lock (every optional column, a missing one)', () => {
  const [plain, full, missing] = checks.out.releases.reads;
  for (const r of [plain, full]) {
    expect(r.prisma).not.toBeNull();
    expect(r.find).toEqual(r.prisma);
    expect(r.locked).toEqual(r.prisma);
  }
  expect(plain.find).toMatchObject({ projectKey: expect.any(String), environmentKey: 'staging', guard: null });
  expect(full.find).toMatchObject({ remainingMs: 250, guard: { onRegression: 'rollback' }, failure: { code: 'x/y' } });
  expect(missing).toEqual({ find: null, locked: null, prisma: null });
});

it('updates a release as Prisma’s update did, appending the history entry in SQL', () => {
  const { update, step } = checks.out.releases;
  expect(update.returned).toEqual(update.reread);
  expect(update.raw).toEqual(update.prisma);
  expect(update.updatedAtFresh).toBe(true);
  expect(update.returned.history).toEqual([
    ...update.lockedBefore,
    expect.objectContaining({ note: 'failed', stage: 1 }),
  ]);
  expect(update.returned).toMatchObject({ status: 'failed', activeKey: null, nextStepAt: null, remainingMs: null });
  expect(step.returned).toEqual(step.reread);
  expect(step.returned.history.map((h: { note: string }) => h.note)).toEqual(['started', 'stage 2: 100%']);
  expect(step.returned).toMatchObject({
    status: 'paused',
    currentStage: 1,
    nextStepAt: { date: '2026-03-04T05:06:10.456Z' },
  });
});

it('lists enabled webhooks’ filters as the Prisma query did', () => {
  const { raw, inTx, prisma } = checks.out.webhookFilters;
  expect(prisma).toHaveLength(2);
  expect(raw).toEqual(prisma);
  expect(inTx).toEqual(prisma);
});
