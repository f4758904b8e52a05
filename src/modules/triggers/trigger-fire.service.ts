import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { ErrorCode } from '../../core/error-catalogue';
import { DomainError, isError } from '../../core/errors';
import { flagResource, formatResource } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { automationActor } from '../accounts/system-actor';
import type { AutomationDefinition, AutomationDone } from '../automation/automation-definition';
import { AutomationRunner } from '../automation/automation-runner';
import { FlagWriteService } from '../flags/flag-write.service';
import type { TriggerFireResult } from './models/trigger.view';
import { instructionsOf } from './trigger-action';
import { triggerDisabled, triggerNotFound } from './trigger-errors';
import { keptBody, withRecentBody, type FireOutcome } from './trigger-bodies';
import { parseIdempotencyKey, TriggerIdempotencyStore } from './trigger-idempotency';
import { TriggerRateLimiter } from './trigger-rate-limiter';
import { triggerSecretHash } from './trigger-secret';

interface Fired extends AutomationDone<Trigger> {
  outcome: FireOutcome;
  result: TriggerFireResult;
}
import type { Trigger, TriggerWithProject } from './trigger-records';
import { TriggersRepository } from './triggers.repository';

/** Refusals that happen before the flag is looked at: the call is not counted. */
const NOT_CALLS = ['trigger/not_found', 'trigger/disabled'] as const satisfies readonly ErrorCode[];

/**
 * Firing a trigger: `POST /api/v1/triggers/{secret}`, where the URL is the credential. The action
 * goes through the one write path in one transaction with the trigger's counters and kept bodies,
 * the trigger itself as the actor (kind `trigger`).
 *
 * - Unknown or malformed secret: 404 `trigger/not_found`. Disabled: 409 `trigger/disabled`. Neither is counted.
 * - More than TRIGGER_RATE_LIMIT calls a minute: 429 `trigger/rate_limited` with Retry-After, not counted.
 * - Idempotent: an action that finds the flag as it would make it writes nothing and answers
 *   `changed: false`; an Idempotency-Key repeated within 24 h answers the first result, not fired again.
 * - The flag's state refusing the action: 409, the call is counted and its body kept with the write
 *   path's code, nothing is written. An archived flag answers `flag/archived`; instructions that no
 *   longer apply (a 400 of the write path) answer `trigger/action_not_applicable`, naming that code.
 * - Approval: a trigger created by someone allowed bypassRequiredApproval carries that permission
 *   for its own environment; any other trigger is held to the environment's settings on every call
 *   (403 `approval/required` if they have become gating since), by the write path's own gate.
 */
@Injectable()
export class TriggerFireService {
  constructor(
    private readonly repo: TriggersRepository,
    private readonly flags: FlagWriteService,
    private readonly limiter: TriggerRateLimiter,
    private readonly idempotency: TriggerIdempotencyStore,
    private readonly clock: ClockService,
    private readonly runner: AutomationRunner,
  ) {}

  /** One activity line and one count per call, whether or not it got as far as its run (see AutomationRunner). */
  async fire(secret: string, body: unknown, idempotencyHeader?: string): Promise<TriggerFireResult> {
    const started = performance.now();
    const call: { trigger?: TriggerWithProject } = {};
    const record = (outcome: string, code?: string) =>
      this.runner.record({
        kind: 'trigger',
        id: call.trigger?.id,
        resource: call.trigger && triggerResource(call.trigger),
        outcome,
        code,
        durationMs: performance.now() - started,
        counted: true,
      });
    try {
      const result = await this.fireOnce(call, secret, body, idempotencyHeader);
      record(result.replayed ? 'replayed' : result.changed ? 'changed' : 'unchanged');
      return result;
    } catch (err) {
      if (err instanceof DomainError) record(err.code, err.code);
      else record('error');
      throw err;
    }
  }

  private async fireOnce(
    call: { trigger?: TriggerWithProject },
    secret: string,
    body: unknown,
    idempotencyHeader?: string,
  ): Promise<TriggerFireResult> {
    const hash = triggerSecretHash(secret);
    const trigger = hash ? await this.repo.findBySecretHash(hash) : null;
    if (!hash || !trigger) throw triggerNotFound();
    call.trigger = trigger;
    if (!trigger.enabled) throw triggerDisabled();
    const key = parseIdempotencyKey(idempotencyHeader);
    await this.limiter.consume(trigger.id);
    if (key === undefined) return this.run(trigger, hash, body);

    const claim = await this.idempotency.claim(trigger.id, key);
    if (claim.kind === 'done') return { ...claim.result, replayed: true };
    try {
      const result = await this.run(trigger, hash, body);
      if (claim.kind === 'claimed') await this.idempotency.complete(trigger.id, key, result);
      return result;
    } catch (err) {
      if (claim.kind === 'claimed') await this.idempotency.release(trigger.id, key);
      throw err;
    }
  }

  private async run(trigger: TriggerWithProject, hash: string, body: unknown): Promise<TriggerFireResult> {
    const result = await this.runner.run(this.definition(trigger, hash, body, this.clock.now()), trigger.id);
    if (result.status === 'done') return result.done.result;
    if (result.status === 'skipped') throw triggerNotFound(); // deleted since the lookup
    const err = result.error;
    // The caller's request was fine; the stored action no longer fits the flag: a 409 of its own
    // (a code has one status), naming the write path's 400 code in the detail; the kept body has it too.
    throw err.status === 400
      ? new DomainError(
          'trigger/action_not_applicable',
          `the trigger's action no longer applies to the flag (${err.code}): ${err.message}`,
          err.errors,
        )
      : err;
  }

  /**
   * One call as automation: the action goes through the write path under the trigger's row lock, in
   * one transaction with its counters and kept bodies; a refusal counts the call and keeps its body
   * with the failure, nothing written.
   */
  private definition(
    trigger: TriggerWithProject,
    hash: string,
    body: unknown,
    at: Date,
  ): AutomationDefinition<string, Trigger, Fired> {
    const { project } = trigger;
    return {
      kind: 'trigger',
      // fire() logs and counts every call, including those refused before the run.
      recordedBy: 'caller',
      id: (id) => id,
      transaction: (fn) => this.repo.transaction(fn),
      lock: (tx, id) => this.repo.findForUpdate(tx, id),
      // Under the row lock: a rotation, disabling or deletion that committed since the lookup wins.
      isPending: (locked) => {
        if (locked.secretHash !== hash) throw triggerNotFound();
        if (!locked.enabled) throw triggerDisabled();
        return true;
      },
      resource: () => triggerResource(trigger),
      actor: (locked) => automationActor(`trigger ${locked.name}`, { kind: 'trigger', id: locked.id }),
      grant: (locked) => ({
        ...(locked.createdBy.bypass ? { environmentKey: locked.environmentKey } : {}),
        links: { trigger: { id: locked.id, name: locked.name } },
      }),
      apply: async (tx, locked, { actor, approve }) => {
        const env = project.environments.find((e) => e.id === locked.environmentId)!;
        const write = await this.flags.applyPreApproved(tx, actor, project, env, locked.flagKey, {
          instructions: instructionsOf(locked.action),
          comment: `trigger '${locked.name}'`,
          preApproved: approve(),
        });
        const outcome: FireOutcome = write.outcome === 'committed' ? 'changed' : 'unchanged';
        // After the write's audit entry, one more statement on a row already locked: the counters
        // commit with the change or not at all.
        const next = await this.repo.recordCall(
          tx,
          locked.id,
          at,
          withRecentBody(locked.recentBodies, keptBody(body, at, { outcome, version: write.version })),
        );
        const result = {
          triggerId: next.id,
          changed: outcome === 'changed',
          version: write.version,
          triggeredAt: at.toISOString(),
          replayed: false,
        };
        return { outcome, result };
      },
      failure: {
        isFailure: (err) => err.status < 500 && !isError(err, ...NOT_CALLS),
        mark: async (tx, locked, err) => {
          await this.repo.recordCall(
            tx,
            locked.id,
            at,
            withRecentBody(locked.recentBodies, keptBody(body, at, { outcome: 'failed', code: err.code })),
          );
          return locked;
        },
      },
    };
  }
}

/** The formatted flag resource a trigger acts on. */
const triggerResource = (t: TriggerWithProject): string => {
  return formatResource(flagResource(t.projectKey, { key: t.environmentKey, critical: false }, t.flagKey));
};
