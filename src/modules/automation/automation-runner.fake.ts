import { Counter, Histogram, Registry } from 'prom-client';
import type { DomainError } from '../../core/errors';
import { capturedLogger } from '../../infra/logging/captured-logger.fake';
import { fakeTx, fakeTxState, type Tx } from '../../infra/prisma/tx';
import { automationActor } from '../accounts/system-actor';
import type { AuditRecord } from '../audit/audit.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import { PreApproval } from '../write-path/pre-approval';
import type { AutomationDefinition, AutomationDone } from './automation-definition';
import { AutomationRunner, type WebhookRecorder } from './automation-runner';

/**
 * Fakes for AutomationRunner's spec (conventions §17): an in-memory table with real row locks and
 * transactions that commit or roll back, and a definition over it, shaped like scheduled changes.
 */
export interface FakeRow {
  id: string;
  flagKey: string;
  status: 'pending' | 'applied' | 'failed';
  dueAt: Date | null;
  failure?: { code: string; message: string };
  /** What the fake write path does with this row's write: refuse it (a DomainError) or break (anything else). */
  breaks?: () => Error | null;
}

interface FakeTx {
  staged: Map<string, FakeRow>;
  writes: { id: string; preApproved: PreApproval }[];
  audit: AuditRecord[];
  deliveries: FakeDelivery[];
  release: (() => void)[];
}

/** A webhook delivery row, as WebhookEventsService.record writes it. */
export interface FakeDelivery {
  id: string;
  event: string;
  payload: object;
}

export class FakeTable {
  readonly rows = new Map<string, FakeRow>();
  /** Committed writes through the fake write path, in commit order. */
  readonly writes: { id: string; preApproved: PreApproval }[] = [];
  readonly audit: AuditRecord[] = [];
  /** Committed webhook deliveries, and the ids whose jobs were enqueued (after commit). */
  readonly deliveries: FakeDelivery[] = [];
  readonly woken: string[] = [];
  /** What the fake Redis does with an enqueue: set to an error to refuse it. */
  wakeFails: Error | null = null;
  transactions = 0;
  private deliveryIds = 0;
  private readonly tails = new Map<string, Promise<void>>();

  add(...rows: FakeRow[]): void {
    for (const r of rows) this.rows.set(r.id, r);
  }

  async read(id: string): Promise<FakeRow | null> {
    await tick();
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.transactions++;
    const tx: FakeTx = { staged: new Map(), writes: [], audit: [], deliveries: [], release: [] };
    try {
      const result = await fn(fakeTx(tx));
      for (const [id, row] of tx.staged) this.rows.set(id, row);
      this.writes.push(...tx.writes);
      this.audit.push(...tx.audit);
      this.deliveries.push(...tx.deliveries);
      return result;
    } finally {
      for (const release of tx.release) release();
    }
  }

  /** SELECT … FOR UPDATE: waits for whoever holds the row, then reads it as committed. */
  async lock(t: Tx, id: string): Promise<FakeRow | null> {
    const tx = fakeTxState<FakeTx>(t);
    const previous = this.tails.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.tails.set(
      id,
      previous.then(() => mine),
    );
    await previous;
    tx.release.push(release);
    return this.read(id);
  }

  update(t: Tx, row: FakeRow, change: Partial<FakeRow>): FakeRow {
    const next = { ...row, ...change };
    fakeTxState<FakeTx>(t).staged.set(row.id, next);
    return next;
  }

  /** The write path: takes a while (so runs overlap), refuses or breaks as the row says. */
  async write(t: Tx, row: FakeRow, preApproved: PreApproval): Promise<void> {
    if (!(preApproved instanceof PreApproval)) throw new Error('not a PreApproval');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const broken = row.breaks?.();
    if (broken) throw broken;
    fakeTxState<FakeTx>(t).writes.push({ id: row.id, preApproved });
  }

  recordAudit(t: Tx, entry: AuditRecord): void {
    fakeTxState<FakeTx>(t).audit.push(entry);
  }

  /** WebhookEventsService's side of the runner: rows in the transaction, jobs after it. */
  readonly webhooks: WebhookRecorder = {
    record: async (t, events) => {
      const rows = events.map((e) => ({ id: `d${++this.deliveryIds}`, event: e.event, payload: e.payload }));
      fakeTxState<FakeTx>(t).deliveries.push(...rows);
      return rows.map((r) => r.id);
    },
    wake: async (ids) => {
      await tick();
      if (this.wakeFails) throw this.wakeFails;
      // Only committed rows can be woken: the runner enqueues after the commit.
      for (const id of ids) if (!this.deliveries.some((d) => d.id === id)) throw new Error(`${id} not committed`);
      this.woken.push(...ids);
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A definition over the fake table, as scheduled changes describe themselves. */
export function fakeDefinition(
  table: FakeTable,
  notified: { id: string; event?: WebhookEvent }[],
  isFailure?: (err: DomainError) => boolean,
): AutomationDefinition<string, FakeRow, AutomationDone<FakeRow>> {
  return {
    kind: 'scheduled_change',
    id: (id) => id,
    find: (id) => table.read(id),
    transaction: (fn) => table.transaction(fn),
    lock: (tx, id) => table.lock(tx, id),
    isPending: (row) => row.status === 'pending',
    dueAt: (row) => row.dueAt,
    resource: (row) => `proj/p:env/production:flag/${row.flagKey}`,
    actor: (row) => automationActor(`fake change ${row.id}`),
    grant: (row) => ({ environmentKey: 'production', links: { scheduledChange: { id: row.id } } }),
    async apply(tx, row, run) {
      await table.write(tx, row, run.approve());
      return {
        outcome: 'applied',
        row: table.update(tx, row, { status: 'applied' }),
        event: 'scheduled_change.applied',
      };
    },
    webhooks: (row, event) => [{ event, payload: { id: row.id } }],
    notify: (row, event) => void notified.push({ id: row.id, event }),
    failure: {
      isFailure,
      mark: async (tx, row, err) =>
        row.status === 'pending'
          ? table.update(tx, row, { status: 'failed', failure: { code: err.code, message: err.message } })
          : null,
      audit: {
        action: 'applyScheduledChange',
        links: (row) => ({ scheduledChange: row.id }),
        details: (err) => ({ errors: err.errors ?? [] }),
      },
      event: 'scheduled_change.failed',
    },
  };
}

/** A runner over the fake table, a settable clock, its own metrics registry and a captured log. */
export function fakeRunner(table: FakeTable, now: () => Date) {
  const registry = new Registry();
  const metrics = {
    automation: new Counter({
      name: 'gantry_automation_total',
      help: 'fake',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    scheduleLateness: new Histogram({
      name: 'gantry_schedule_lateness_seconds',
      help: 'fake',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
  };
  const { logger, lines } = capturedLogger();
  const audit = { record: async (tx: Tx, _actor: unknown, entry: AuditRecord) => table.recordAudit(tx, entry) };
  const runner = new AutomationRunner(audit, metrics, { now }, logger, table.webhooks);
  const counted = async () =>
    Object.fromEntries((await metrics.automation.get()).values.map((v) => [String(v.labels.outcome), v.value]));
  return { runner, lines, counted, metrics };
}
