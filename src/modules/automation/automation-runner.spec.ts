import { DomainError, notFound } from '../../core/errors';
import { requestContext } from '../../infra/logging/request-context';
import type { Tx } from '../../infra/prisma/tx';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { fakeDefinition, FakeTable, fakeRunner, type FakeRow } from './automation-runner.fake';

const NOW = new Date('2030-01-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

function setup(...rows: FakeRow[]) {
  const table = new FakeTable();
  table.add(...rows);
  const notified: { id: string; event?: WebhookEvent }[] = [];
  const { runner, lines, counted } = fakeRunner(table, () => NOW);
  return { table, notified, runner, lines, counted, def: fakeDefinition(table, notified) };
}

const pending = (id: string, dueAt: Date | null = ago(1_000), extra: Partial<FakeRow> = {}): FakeRow => ({
  id,
  flagKey: `flag-${id}`,
  status: 'pending',
  dueAt,
  ...extra,
});

describe('AutomationRunner', () => {
  it('runs an item exactly once when two runs race for it', async () => {
    const { table, notified, runner, def, counted } = setup(pending('a'));
    const results = await Promise.all([runner.run(def, 'a'), runner.run(def, 'a')]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['applied', 'skipped']);
    expect(table.writes.map((w) => w.id)).toEqual(['a']);
    expect(table.rows.get('a')!.status).toBe('applied');
    expect(notified).toEqual([{ id: 'a', event: 'scheduled_change.applied' }]);
    expect(table.deliveries).toEqual([{ id: 'd1', event: 'scheduled_change.applied', payload: { id: 'a' } }]);
    expect(await counted()).toEqual({ applied: 1 });
  });

  it("writes the webhook deliveries in the run's transaction and enqueues their jobs only after the commit", async () => {
    const { table, runner, def } = setup(pending('a'), pending('b'));
    expect((await runner.run(def, 'a')).outcome).toBe('applied');
    await new Promise((resolve) => setImmediate(resolve));
    // wake() refuses ids not committed yet (see the fake): it ran after the commit.
    expect(table.woken).toEqual(['d1']);
    // A transaction that does not commit takes its deliveries with it, and nothing is woken.
    const lost = {
      ...def,
      transaction: <T>(fn: (tx: Tx) => Promise<T>) =>
        table.transaction(async (tx) => {
          await fn(tx);
          throw new Error('connection lost at commit');
        }),
    };
    await expect(runner.run(lost, 'b')).rejects.toThrow('connection lost at commit');
    await new Promise((resolve) => setImmediate(resolve));
    expect(table.deliveries.map((d) => d.payload)).toEqual([{ id: 'a' }]);
    expect(table.woken).toEqual(['d1']);
  });

  it('keeps the committed change and its pending delivery when the enqueue fails (the sweep sends it)', async () => {
    const { table, runner, def, lines } = setup(pending('a'));
    table.wakeFails = new Error('redis unreachable');
    expect((await runner.run(def, 'a')).outcome).toBe('applied');
    await new Promise((resolve) => setImmediate(resolve));
    expect(table.rows.get('a')!.status).toBe('applied');
    expect(table.deliveries.map((d) => d.event)).toEqual(['scheduled_change.applied']);
    expect(table.woken).toEqual([]);
    expect(lines.some((l) => String(l.msg).includes('redis unreachable'))).toBe(true);
  });

  it('writes with the grant the definition describes, minted for the run only', async () => {
    const { table, runner, def } = setup(pending('a'));
    let approve: (() => unknown) | undefined;
    await runner.run({ ...def, apply: (tx, row, run) => ((approve = run.approve), def.apply(tx, row, run)) }, 'a');
    expect(table.writes[0].preApproved).toMatchObject({
      environmentKey: 'production',
      links: { scheduledChange: { id: 'a' } },
    });
    expect(() => approve!()).toThrow(/only while its run lasts/);
  });

  it('skips an item no longer pending, or gone, without a transaction or a metric', async () => {
    const { table, runner, def, counted, lines } = setup(pending('a', ago(1), { status: 'applied' }));
    expect(await runner.run(def, 'a')).toEqual({ status: 'skipped', outcome: 'skipped' });
    expect(await runner.run(def, 'gone')).toEqual({ status: 'skipped', outcome: 'skipped' });
    expect(table.transactions).toBe(0);
    expect(table.writes).toEqual([]);
    expect(await counted()).toEqual({});
    expect(lines.map((l) => l.outcome)).toEqual(['skipped', 'skipped']);
  });

  it('answers not_due for an item woken well before its time', async () => {
    const { table, runner, def } = setup(pending('a', new Date(NOW.getTime() + 60_000)));
    expect((await runner.run(def, 'a')).outcome).toBe('not_due');
    expect(table.transactions).toBe(0);
  });

  it('with a key that says when it is due, skips the first look and checks the row under the lock', async () => {
    const later = new Date(NOW.getTime() + 60_000);
    const { table, runner, def, counted } = setup(pending('a'), pending('b', later), pending('c'));
    const due = new Map([
      ['a', ago(1)],
      ['b', ago(1)],
      ['c', later],
    ]);
    let looked = 0;
    const byKey = { ...def, find: (id: string) => (looked++, def.find!(id)), keyDueAt: (id: string) => due.get(id) };
    expect((await runner.run(byKey, 'a')).outcome).toBe('applied');
    // No longer pending, or due later by its own time: both seen under the lock.
    expect((await runner.run(byKey, 'a')).outcome).toBe('skipped');
    expect((await runner.run(byKey, 'b')).outcome).toBe('not_due');
    // Due well after now by the key: no transaction at all.
    expect((await runner.run(byKey, 'c')).outcome).toBe('not_due');
    expect(looked).toBe(0);
    expect(table.transactions).toBe(3);
    expect(table.writes.map((w) => w.id)).toEqual(['a']);
    expect(table.rows.get('b')!.status).toBe('pending');
    expect(await counted()).toEqual({ applied: 1 });
  });

  it('marks a refused item failed, with its audit entry, webhook event and metric', async () => {
    const refusal = notFound('flag', 'flag-a');
    const { table, notified, runner, def, counted } = setup(pending('a', ago(2_000), { breaks: () => refusal }));
    const result = await runner.run(def, 'a');
    expect(result).toEqual({ status: 'failed', outcome: 'failed', error: refusal });
    expect(table.writes).toEqual([]);
    expect(table.rows.get('a')).toMatchObject({ status: 'failed', failure: { code: 'flag/not_found' } });
    expect(table.audit).toEqual([
      {
        action: 'applyScheduledChange',
        resource: 'proj/p:env/production:flag/flag-a',
        comment: `failed: ${refusal.message}`,
        after: { status: 'failed', code: 'flag/not_found', errors: [] },
        links: { scheduledChange: 'a' },
      },
    ]);
    expect(notified).toEqual([{ id: 'a', event: 'scheduled_change.failed' }]);
    expect(table.deliveries.map((d) => [d.event, d.payload])).toEqual([['scheduled_change.failed', { id: 'a' }]]);
    expect(await counted()).toEqual({ failed: 1 });
  });

  it('rethrows what is not a failure of the item: infrastructure errors and refusals the definition excludes', async () => {
    const { table, notified, runner, def, counted, lines } = setup(
      pending('a', ago(1), { breaks: () => new Error('connection reset') }),
      pending('b', ago(1), { breaks: () => notFound('change_request', 'b') }),
    );
    await expect(runner.run(def, 'a')).rejects.toThrow('connection reset');
    const notAFailure = {
      ...def,
      failure: { ...def.failure!, isFailure: (e: DomainError) => e.code !== 'change_request/not_found' },
    };
    await expect(runner.run(notAFailure, 'b')).rejects.toThrow(DomainError);
    expect([table.rows.get('a')!.status, table.rows.get('b')!.status]).toEqual(['pending', 'pending']);
    expect([table.audit, table.writes, notified, table.deliveries]).toEqual([[], [], [], []]);
    expect(await counted()).toEqual({});
    expect(lines.map((l) => [l.outcome, l.code])).toEqual([
      ['error', undefined],
      ['refused', 'change_request/not_found'],
    ]);
  });

  it('sweeps overdue items oldest first, retries one that lost a race, and re-alarms later ones', async () => {
    let attempts = 0;
    const { table, runner, def } = setup(
      pending('b', ago(60_000)),
      pending('later', new Date(NOW.getTime() + 3_600_000)),
      pending('a', ago(120_000)),
      pending('c', ago(30_000), { breaks: () => (attempts++ === 0 ? new Error('pool timeout') : null) }),
    );
    const alarmed: string[] = [];
    const swept = await runner.sweep(def, {
      list: async () => [...table.rows.values()],
      key: (r) => r.id,
      dueAt: (r) => r.dueAt,
      alarm: async (later) => void alarmed.push(...later.map((r) => r.id)),
    });
    expect(swept).toEqual({ ran: 3, alarms: 1 });
    expect(alarmed).toEqual(['later']);
    expect(table.writes.map((w) => w.id)).toEqual(['a', 'b', 'c']);
    expect(attempts).toBe(2);
    expect(table.rows.get('later')!.status).toBe('pending');
  });

  it('a periodic sweep (overdueMs) leaves what fell due only a moment ago to its alarm', async () => {
    const { table, runner, def } = setup(
      pending('lost', ago(60_000)),
      pending('ringing', ago(2_000)),
      pending('later', new Date(NOW.getTime() + 60_000)),
    );
    const alarmed: string[] = [];
    const swept = await runner.sweep(
      def,
      {
        list: async () => [...table.rows.values()],
        key: (r) => r.id,
        dueAt: (r) => r.dueAt,
        alarm: async (later) => void alarmed.push(...later.map((r) => r.id)),
      },
      { overdueMs: 10_000 },
    );
    expect(swept).toEqual({ ran: 1, alarms: 1 });
    expect(table.writes.map((w) => w.id)).toEqual(['lost']);
    expect(alarmed).toEqual(['later']);
    expect(table.rows.get('ringing')!.status).toBe('pending');
  });

  it('logs one line per run: kind, id, resource, outcome, duration, job id and request id', async () => {
    const { runner, def, lines } = setup(pending('a'), pending('b'), pending('c'), pending('d'));
    await runner.run(def, 'a', { jobId: 'scheduled-change-a-1', requestId: 'req-from-job' });
    await requestContext.run({ requestId: 'req-now' }, () => runner.run(def, 'b'));
    // A run inside another (a pipeline look applying a change request) carries the outer run's origin.
    await runner.run({ ...def, apply: async () => (await runner.run(def, 'c'), { outcome: 'looked' }) }, 'd', {
      jobId: 'outer-job',
    });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      context: 'automation',
      kind: 'scheduled_change',
      id: 'a',
      resource: 'proj/p:env/production:flag/flag-a',
      outcome: 'applied',
      jobId: 'scheduled-change-a-1',
      reqId: 'req-from-job',
      msg: 'scheduled_change applied',
    });
    expect(typeof lines[0].durationMs).toBe('number');
    expect(lines[1]).toMatchObject({ id: 'b', outcome: 'applied', jobId: null, reqId: 'req-now' });
    expect(lines.slice(2).map((l) => [l.id, l.outcome, l.jobId])).toEqual([
      ['c', 'applied', 'outer-job'],
      ['d', 'looked', 'outer-job'],
    ]);
  });
});
