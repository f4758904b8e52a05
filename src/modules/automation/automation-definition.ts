import type { DomainError } from '../../core/errors';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import type { WebhookEvent } from '../webhooks/webhook-events';
import type { WebhookEventInput } from '../webhooks/webhook-events.service';
import type { PreApproval, PreApprovalGrant } from '../write-path/pre-approval';

/** What a run's log line says caused it: the job that woke it, the HTTP request behind that job or call. */
export interface RunOrigin {
  jobId?: string;
  requestId?: string;
  /** Run by a worker's start-up sweep rather than by its alarm. */
  sweep?: boolean;
}

/** What a run did once it held the row: the outcome (metric label, log line), and the event it reports. */
export interface AutomationDone<Row> {
  outcome: string;
  row?: Row;
  event?: WebhookEvent;
}

/** What a definition's apply gets from the runner: who acts, and approvals minted from the definition's grant. */
export interface RunContext<Scope> {
  actor: Actor;
  /** Mints the definition's grant for this row; valid only while the run lasts. */
  approve: (scope: Scope) => PreApproval;
}

/** What an automation was allowed when it was set up (see AutomationRunner.approveFor). */
export interface AutomationGrant<Row, Scope> {
  readonly kind: string;
  grant?(row: Row, scope: Scope): PreApprovalGrant;
}

/**
 * One kind of automation (scheduled changes, release steps, change requests applied by Gantry,
 * trigger calls, pipeline looks) described for AutomationRunner, which owns the order: first look,
 * due wait, lock, status check, apply (or mark failed on a refusal) with the webhook deliveries in
 * the same transaction, then after commit: delivery jobs, notify, metric, log line.
 */
export interface AutomationDefinition<
  Key,
  Row,
  Done extends AutomationDone<Row> = AutomationDone<Row>,
  Scope = void,
> extends AutomationGrant<Row, Scope> {
  /** The log line's `kind`, and the `kind` label of gantry_automation_total when counted. */
  readonly kind: string;
  /** Counted in gantry_automation_total and the lateness histogram (default true). */
  readonly counted?: boolean;
  /** 'caller': the caller logs and counts (its unit of activity is larger than a run, see TriggerFireService). */
  readonly recordedBy?: 'runner' | 'caller';
  /** The outcome when lock() finds nothing (default 'skipped'; 'busy' where the lock skips rows held by others). */
  readonly unlocked?: string;
  /** The row id, for the log line. */
  id(key: Key): string;
  /** A first look without a lock, so a stale alarm costs no transaction and an early one waits outside it. */
  find?(key: Key): Promise<Row | null>;
  /**
   * When the key itself says when its run is due (the time its alarm was set for): the runner waits
   * for it outside the transaction and skips the first look (a statement less per run; a stale alarm
   * then costs a transaction that finds the row not pending). The row's own due time and status are
   * checked under the lock as always. Undefined: find() as above.
   */
  keyDueAt?(key: Key): Date | undefined;
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Locks the row until the transaction ends and reads it fresh; null when it is gone. */
  lock(tx: Tx, key: Key): Promise<Row | null>;
  /**
   * Still waiting for this run: checked on the first look and again under the lock. May throw a
   * refusal with a precise reason instead (a trigger disabled since it was looked up).
   */
  isPending(row: Row, key: Key): boolean;
  /** When the row is due (absent or null: now); a run woken earlier returns 'not_due'. */
  dueAt?(row: Row): Date | null;
  /** The formatted resource the row acts on (formatResource), for the audit entry and the log line. */
  resource(row: Row): string;
  /** Gantry acting on someone's behalf (automationActor). */
  actor(row: Row): Actor;
  /** What the automation was allowed when it was set up; the runner mints it for this run's writes. */
  grant?(row: Row, scope: Scope): PreApprovalGrant;
  /** The writes through the one write path and the row marked done, in the run's transaction. */
  apply(tx: Tx, row: Row, run: RunContext<Scope>): Promise<Done>;
  /**
   * The webhook events a done or failed row reports (with their payloads), for done and failed rows
   * alike: their delivery rows are written in the run's transaction, so they commit with the change.
   */
  webhooks?(row: Row, event: WebhookEvent, actor: Actor): WebhookEventInput[];
  /** After commit (the next alarm, counters), for done and failed rows alike; never fails the run. */
  notify?(row: Row, event: WebhookEvent | undefined, actor: Actor): void | Promise<unknown>;
  /** How a refusal marks the row failed; absent: refusals are rethrown and nothing is marked. */
  failure?: AutomationFailure<Row>;
}

export interface AutomationFailure<Row> {
  /** False for refusals that say the run is not for this row (already applied, not due): rethrown, nothing marked. */
  isFailure?(err: DomainError): boolean;
  /** Marks the freshly locked row failed; null when it is no longer pending (left as it is). */
  mark(tx: Tx, row: Row, err: DomainError, actor: Actor): Promise<Row | null>;
  /** The audit entry: comment `failed: <message>`, after `{ status: 'failed', code, ...details }`. */
  audit?: {
    action: string;
    links(row: Row): Record<string, unknown>;
    details?(err: DomainError): Record<string, unknown>;
  };
  /** Recorded through webhooks() with the failure, then given to notify() (a function: it depends on the marked row and the refusal). */
  event?: WebhookEvent | ((row: Row, err: DomainError) => WebhookEvent);
}

export type RunResult<Done> =
  | { status: 'done'; outcome: string; done: Done }
  | { status: 'failed'; outcome: 'failed'; error: DomainError }
  /** Not run: gone or no longer pending ('skipped', or the definition's `unlocked`), or 'not_due'. */
  | { status: 'skipped'; outcome: string };

/** A worker's start-up sweep: the rows waiting for a run, as the domain lists them. */
export interface AutomationSweep<Item, Key> {
  /** Rows waiting for a run (bounded); the runner orders them oldest first. */
  list(): Promise<Item[]>;
  key(item: Item): Key;
  /** Absent or null: due now. */
  dueAt(item: Item): Date | null;
  /** Sets the alarms of the rows not due yet (deterministic ids: setting one twice is harmless). */
  alarm(later: Item[], now: Date): Promise<void>;
}
