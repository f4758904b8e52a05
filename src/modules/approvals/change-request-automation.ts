import { Injectable } from '@nestjs/common';
import { isOpen } from '../../core/approval';
import type { ErrorCode } from '../../core/error-catalogue';
import { isError } from '../../core/errors';
import { flagResource, formatResource, segmentResource } from '../../core/policy';
import { QueuesService } from '../../infra/queues/queues.service';
import type { Actor } from '../accounts/models/actor';
import { automationActor } from '../accounts/system-actor';
import type { AutomationDefinition, RunOrigin, RunResult } from '../automation/automation-definition';
import { AutomationRunner, type SweepOptions } from '../automation/automation-runner';
import { ChangeRequestAccess } from './change-request-access';
import { changeRequestNotFound, type Located } from './change-request-scope';
import { ChangeRequestApplyService } from './change-request-apply.service';
import { enqueueScheduledApplies } from './change-request-jobs';
import type { ChangeRequestRow } from './change-requests.repository';
import type { ChangeRequestView } from './models/change-request.view';

const SWEEP_LIMIT = 10_000;

/** Refusals that say the request is not (or no longer) for this apply, rather than that it cannot apply. */
const NOT_FAILURES = [
  'change_request/already_applied',
  'change_request/not_open',
  'change_request/not_due',
] as const satisfies readonly ErrorCode[];

type Done = { outcome: 'applied'; row: ChangeRequestRow; event: 'change_request.applied' };
type Definition = AutomationDefinition<string, ChangeRequestRow, Done>;

const resourceOf = (row: ChangeRequestRow): string => {
  const env = { key: row.environment.key, critical: false };
  return formatResource(
    row.resourceKind === 'flag'
      ? flagResource(row.project.key, env, row.resourceKey)
      : segmentResource(row.project.key, env, row.resourceKey),
  );
};

/**
 * Change requests Gantry applies on its own, as automation (AutomationRunner): scheduled ones when
 * due, and approved ones of environments with autoApplyOnApproval. Same apply as a person's (every
 * rule re-checked), as Gantry on the request's behalf; a refusal marks the request failed, with its
 * audit entry and `change_request.failed`.
 */
@Injectable()
export class ChangeRequestAutomation {
  private readonly scheduled: Definition;

  constructor(
    private readonly access: ChangeRequestAccess,
    private readonly applier: ChangeRequestApplyService,
    private readonly queues: QueuesService,
    private readonly runner: AutomationRunner,
  ) {
    this.scheduled = {
      ...this.common(),
      kind: 'scheduled_change_request',
      find: (id) => this.access.repo.find(id),
      isPending: (row) => row.status === 'scheduled',
      dueAt: (row) => row.executionDate,
      actor: (row) => automationActor(`schedule of change request ${row.id}`),
      apply: async (tx, row, { actor }) => {
        const at = await this.access.locate(actor, row.project.key, row.environment.key, tx);
        const comment = `scheduled for ${row.executionDate?.toISOString()}`;
        return this.applied(await this.applier.applyLocked(tx, actor, row, at, { override: false, comment }));
      },
    };
  }

  /** For autoApplyOnApproval (and pipelines): throws the refusal, after marking the request failed if it is one. */
  async applyAutomatically(id: string, at: Located, note: string): Promise<ChangeRequestView> {
    const actor = automationActor(note);
    const result = await this.runner.run(
      {
        ...this.common(),
        kind: 'auto_applied_change_request',
        // The apply's own checks refuse a request that is not open, with the precise reason.
        isPending: () => true,
        actor: () => actor,
        apply: async (tx, row) =>
          this.applied(await this.applier.applyLocked(tx, actor, row, at, { override: false, comment: note })),
      },
      id,
    );
    if (result.status === 'failed') throw result.error;
    if (result.status === 'skipped') throw changeRequestNotFound(id);
    return this.access.view(result.done.row);
  }

  /** The worker's entry point for a due scheduled request. */
  applyScheduled(id: string, origin?: RunOrigin): Promise<RunResult<Done>> {
    return this.runner.run(this.scheduled, id, origin);
  }

  /** Start-up and periodic sweep (see AutomationRunner.sweep). */
  sweep(options?: SweepOptions): Promise<{ ran: number; alarms: number }> {
    return this.runner.sweep(
      this.scheduled,
      {
        list: () => this.access.repo.scheduled(SWEEP_LIMIT),
        key: (r) => r.id,
        dueAt: (r) => r.executionDate,
        alarm: (later, now) => enqueueScheduledApplies(this.queues, later, now),
      },
      options,
    );
  }

  private applied(row: ChangeRequestRow): Done {
    return { outcome: 'applied', row, event: 'change_request.applied' };
  }

  private common(): Pick<
    Definition,
    'counted' | 'id' | 'transaction' | 'lock' | 'resource' | 'webhooks' | 'notify' | 'failure'
  > {
    return {
      // Counted as lifecycle events (gantry_change_request_events_total) when notified.
      counted: false,
      id: (id) => id,
      transaction: (fn) => this.access.repo.transaction(fn),
      lock: (tx, id) => this.access.repo.findForUpdate(tx, id),
      resource: resourceOf,
      webhooks: (row, event, actor: Actor) =>
        this.access.webhookEvents(
          [event],
          row,
          actor,
          event === 'change_request.applied' ? { appliedVersion: row.appliedVersion } : { failure: row.failure },
        ),
      notify: (_row, event) => event && this.access.count([event]),
      failure: {
        isFailure: (err) => !isError(err, ...NOT_FAILURES),
        mark: async (tx, row, err, actor) =>
          !isOpen(row.status)
            ? null
            : this.access.repo.update(tx, row.id, {
                status: 'failed',
                failure: { code: err.code, message: err.message, errors: err.errors ?? [] },
                history: [...row.history, this.access.historyEntry(actor, 'failed', err.message)],
              }),
        audit: { action: 'applyChangeRequest', links: (row) => ({ changeRequest: row.id }) },
        event: 'change_request.failed',
      },
    };
  }
}
