import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { DomainError } from '../../core/errors';
import { currentRequestId } from '../../infra/logging/request-context';
import type { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import { waitUntilDue } from '../../infra/queues/alarm-jobs';
import type { Actor } from '../accounts/models/actor';
import type { AuditRecord } from '../audit/audit.service';
import type { WebhookEvent } from '../webhooks/webhook-events';
import type { WebhookEventInput } from '../webhooks/webhook-events.service';
import { mintPreApproval, type PreApproval } from '../write-path/pre-approval';
import type {
  AutomationDefinition,
  AutomationDone,
  AutomationGrant,
  AutomationSweep,
  RunOrigin,
  RunResult,
} from './automation-definition';

/** One line of worker activity (see AutomationRunner.record). */
export interface AutomationActivity {
  kind: string;
  id?: string;
  resource?: string;
  outcome: string;
  /** The refusal's code, for failed and refused runs. */
  code?: string;
  durationMs: number;
  origin?: RunOrigin;
  /** Counted in gantry_automation_total under `kind`. */
  counted?: boolean;
}

/** Where a failure's audit entry goes (AuditService), in the failure's transaction. */
export interface AuditWriter {
  record(tx: Tx, actor: Actor, entry: AuditRecord): Promise<unknown>;
}

/**
 * Where a run's webhook events go (WebhookEventsService): delivery rows written in the run's
 * transaction, and their jobs enqueued after the commit (a lost enqueue is recovered by the
 * delivery worker's sweeps of pending rows).
 */
export interface WebhookRecorder {
  record(tx: Tx, events: WebhookEventInput[]): Promise<string[]>;
  wake(deliveryIds: string[]): Promise<void>;
}

/** Outcomes of runs that did nothing: logged, never counted. */
const IDLE = new Set(['skipped', 'not_due']);

/** A run inside another (a pipeline look applying a change request) logs the origin of the outer one. */
const runOrigin = new AsyncLocalStorage<RunOrigin>();

type AnyDefinition<Key, Row, Done extends AutomationDone<Row>, Scope> = AutomationDefinition<Key, Row, Done, Scope>;

/**
 * The one place automation writes are run (conventions §9: the row is the state, the job only an
 * alarm). A run is exactly once: the row is locked and its status checked in the same transaction
 * as the writes, and a refusal of the write path marks the row failed (audit entry, webhook, metric)
 * in a transaction of its own. Infrastructure errors are rethrown untouched, so the job is retried.
 * The webhook deliveries a run reports are written in its transaction, never after: a worker dying
 * right after the commit loses no event; only their wake-up jobs are enqueued after the commit.
 *
 * It is also the only minter of pre-approvals for automation (with change-request apply, see
 * pre-approval-importers.spec.ts): a definition describes its grant, and the runner mints it only for
 * a row it holds locked and still pending, only while that run lasts.
 *
 * Every run logs one structured line: kind, resource, outcome, duration, job id, request id.
 */
export class AutomationRunner {
  constructor(
    private readonly audit: AuditWriter,
    private readonly metrics: Pick<MetricsService, 'automation' | 'scheduleLateness'>,
    private readonly clock: { now(): Date },
    private readonly logger: Logger,
    private readonly webhooks: WebhookRecorder,
  ) {}

  async run<Key, Row, Done extends AutomationDone<Row>, Scope>(
    def: AnyDefinition<Key, Row, Done, Scope>,
    key: Key,
    origin?: RunOrigin,
  ): Promise<RunResult<Done>> {
    const from = this.originOf(origin);
    const started = performance.now();
    const seen: Seen = { dueAt: null };
    const activity = (outcome: string, code?: string): AutomationActivity => ({
      kind: def.kind,
      id: def.id(key),
      resource: seen.resource,
      outcome,
      code,
      durationMs: performance.now() - started,
      origin: from,
      counted: def.counted !== false && !IDLE.has(outcome),
    });
    let result: RunResult<Done>;
    try {
      result = await runOrigin.run(from, () => this.attempt(def, key, seen));
    } catch (err) {
      if (def.recordedBy !== 'caller')
        this.record({
          ...activity(err instanceof DomainError ? 'refused' : 'error', (err as { code?: string }).code),
          counted: false,
        });
      throw err;
    }
    if (def.recordedBy !== 'caller') {
      this.record(activity(result.outcome, result.status === 'failed' ? result.error.code : undefined));
      if (def.counted !== false && !IDLE.has(result.outcome) && seen.dueAt)
        this.metrics.scheduleLateness.observe(
          { kind: def.kind },
          (this.clock.now().getTime() - seen.dueAt.getTime()) / 1000,
        );
    }
    return result;
  }

  /**
   * Sweep: overdue rows run here and now, oldest first (their alarms may be held by a worker that
   * died, which BullMQ only notices when its lock expires, or were never set because Redis was
   * down); later ones get their alarms again. Running one twice is harmless: run() locks the row
   * and checks its status. `overdueMs` (periodic sweeps) leaves rows due less than that long ago
   * to the alarms that are about to run them.
   */
  async sweep<Item, Key, Row, Done extends AutomationDone<Row>, Scope>(
    def: AnyDefinition<Key, Row, Done, Scope>,
    spec: AutomationSweep<Item, Key>,
    { overdueMs = 0 }: SweepOptions = {},
  ): Promise<{ ran: number; alarms: number }> {
    const items = await spec.list();
    const now = this.clock.now();
    const dueTime = (item: Item) => spec.dueAt(item)?.getTime() ?? 0;
    const due = items.filter((i) => dueTime(i) <= now.getTime() - overdueMs).sort((a, b) => dueTime(a) - dueTime(b));
    const later = items.filter((i) => dueTime(i) > now.getTime());
    await spec.alarm(later, now);
    // Two passes: one that lost a race for a connection or a lock (busy start-up) gets another go.
    let left = due;
    for (let pass = 1; pass <= 2 && left.length; pass++) {
      const again: Item[] = [];
      for (const item of left) {
        await this.run(def, spec.key(item), { sweep: true }).catch((e: Error) => {
          again.push(item);
          this.logger.warn(
            { kind: def.kind, id: def.id(spec.key(item)), pass },
            `overdue ${def.kind} not run by the start-up sweep: ${e.message}`,
          );
        });
      }
      left = again;
    }
    return { ran: due.length, alarms: later.length };
  }

  /**
   * The definition's grant for a row the caller holds locked, outside a run: a person acting on an
   * automation's row (rolling a release back by hand) writes under the approval it was set up with.
   */
  approveFor<Row, Scope>(def: AutomationGrant<Row, Scope>, row: Row, scope: Scope): PreApproval {
    if (!def.grant) throw new Error(`${def.kind} describes no grant`);
    return mintPreApproval(def.grant(row, scope));
  }

  /** Logs one activity line (and counts it); for callers whose unit of activity is larger than a run. */
  record(a: AutomationActivity): void {
    const origin = this.originOf(a.origin);
    if (a.counted) this.metrics.automation.inc({ kind: a.kind, outcome: a.outcome });
    const line = {
      context: 'automation',
      kind: a.kind,
      ...(a.id ? { id: a.id } : {}),
      resource: a.resource ?? null,
      outcome: a.outcome,
      ...(a.code ? { code: a.code } : {}),
      durationMs: Math.round(a.durationMs * 10) / 10,
      jobId: origin.jobId ?? null,
      reqId: origin.requestId ?? null,
      ...(origin.sweep ? { sweep: true } : {}),
    };
    // A refusal or a broken run is worth a look; the rest is the record of what the workers did.
    this.logger[a.code || a.outcome === 'error' ? 'warn' : 'info'](line, `${a.kind} ${a.outcome}`);
  }

  private async attempt<Key, Row, Done extends AutomationDone<Row>, Scope>(
    def: AnyDefinition<Key, Row, Done, Scope>,
    key: Key,
    seen: Seen,
  ): Promise<RunResult<Done>> {
    const keyDue = def.keyDueAt?.(key);
    if (keyDue) {
      if (!(await waitUntilDue(keyDue, () => this.clock.now()))) return idle('not_due');
    } else if (def.find) {
      const row = await def.find(key);
      if (!row || !def.isPending(row, key)) return idle('skipped');
      seen.resource = def.resource(row);
      seen.dueAt = def.dueAt?.(row) ?? null;
      if (seen.dueAt && !(await waitUntilDue(seen.dueAt, () => this.clock.now()))) return idle('not_due');
    }
    let actor: Actor | undefined;
    let deliveries: string[] = [];
    try {
      const result = await def.transaction(async (tx): Promise<RunResult<Done>> => {
        const row = await def.lock(tx, key);
        if (!row) return idle(def.unlocked ?? 'skipped');
        if (!def.isPending(row, key)) return idle('skipped');
        seen.resource = def.resource(row);
        seen.dueAt = def.dueAt?.(row) ?? null;
        if (seen.dueAt && seen.dueAt > this.clock.now()) return idle('not_due');
        actor = def.actor(row);
        const done = await this.applyLocked(def, tx, row, actor);
        if (done.row) deliveries = await this.recordWebhooks(def, tx, done.row, done.event, actor);
        return { status: 'done', outcome: done.outcome, done };
      });
      if (result.status === 'done' && result.done.row)
        this.notify(def, result.done.row, result.done.event, actor!, deliveries);
      return result;
    } catch (err) {
      if (!(err instanceof DomainError) || !def.failure || def.failure.isFailure?.(err) === false) throw err;
      await this.fail(def, key, err);
      return { status: 'failed', outcome: 'failed', error: err };
    }
  }

  private async applyLocked<Key, Row, Done extends AutomationDone<Row>, Scope>(
    def: AnyDefinition<Key, Row, Done, Scope>,
    tx: Tx,
    row: Row,
    actor: Actor,
  ): Promise<Done> {
    let open = true;
    const approve = (scope: Scope): PreApproval => {
      if (!open) throw new Error(`${def.kind}: an approval is minted only while its run lasts`);
      return this.approveFor(def, row, scope);
    };
    try {
      return await def.apply(tx, row, { actor, approve });
    } finally {
      open = false;
    }
  }

  /** Marks the row failed in a transaction of its own (the run's was rolled back), if it is still pending. */
  private async fail<Key, Row, Done extends AutomationDone<Row>, Scope>(
    def: AnyDefinition<Key, Row, Done, Scope>,
    key: Key,
    err: DomainError,
  ): Promise<void> {
    const failure = def.failure!;
    let actor: Actor | undefined;
    let event: WebhookEvent | undefined;
    let deliveries: string[] = [];
    const failed = await def.transaction(async (tx) => {
      const row = await def.lock(tx, key);
      if (!row) return null;
      actor = def.actor(row);
      const marked = await failure.mark(tx, row, err, actor);
      if (!marked) return null;
      if (failure.audit)
        await this.audit.record(tx, actor, {
          action: failure.audit.action,
          resource: def.resource(row),
          comment: `failed: ${err.message}`,
          after: { status: 'failed', code: err.code, ...failure.audit.details?.(err) },
          links: failure.audit.links(row),
        });
      event = typeof failure.event === 'function' ? failure.event(marked, err) : failure.event;
      deliveries = await this.recordWebhooks(def, tx, marked, event, actor);
      return marked;
    });
    if (failed) this.notify(def, failed, event, actor!, deliveries);
  }

  /** In the run's transaction: the deliveries of the event the row reports commit with it, or not at all. */
  private async recordWebhooks<Key, Row, Done extends AutomationDone<Row>, Scope>(
    def: AnyDefinition<Key, Row, Done, Scope>,
    tx: Tx,
    row: Row,
    event: WebhookEvent | undefined,
    actor: Actor,
  ): Promise<string[]> {
    const events = event && def.webhooks ? def.webhooks(row, event, actor) : [];
    return events.length ? this.webhooks.record(tx, events) : [];
  }

  /**
   * After commit: the deliveries' wake-up jobs and the definition's notify (alarms, counters). What
   * cannot be sent now never undoes what was committed; pending deliveries are swept up by the worker.
   */
  private notify<Key, Row, Done extends AutomationDone<Row>, Scope>(
    def: AnyDefinition<Key, Row, Done, Scope>,
    row: Row,
    event: WebhookEvent | undefined,
    actor: Actor,
    deliveries: string[],
  ): void {
    const warn = (e: Error) =>
      this.logger.warn({ context: 'automation', kind: def.kind, event }, `after-commit notification: ${e.message}`);
    if (deliveries.length) void this.webhooks.wake(deliveries).catch(warn);
    if (!def.notify) return;
    try {
      const sent = def.notify(row, event, actor);
      if (sent) void sent.catch(warn);
    } catch (e) {
      warn(e as Error);
    }
  }

  private originOf(given?: RunOrigin): RunOrigin {
    const outer = runOrigin.getStore();
    const requestId = given?.requestId ?? outer?.requestId ?? currentRequestId();
    return { ...outer, ...given, ...(requestId ? { requestId } : {}) };
  }
}

/** How a sweep treats rows that fell due only a moment ago (see AutomationRunner.sweep). */
export interface SweepOptions {
  overdueMs?: number;
}

/** What the run learnt of its row, for the log line and the lateness histogram. */
interface Seen {
  resource?: string;
  dueAt: Date | null;
}

const idle = <Done>(outcome: string): RunResult<Done> => ({ status: 'skipped', outcome });
