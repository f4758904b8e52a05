import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { ClockService } from '../../infra/clock/clock.service';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import { automationActor } from '../accounts/system-actor';
import { FlagWriteService } from '../flags/flag-write.service';
import type { TriggerFireResult } from './models/trigger.view';
import { instructionsOf } from './trigger-action';
import { triggerDisabled, triggerNotFound } from './trigger-errors';
import { keptBody, withRecentBody, type FireOutcome } from './trigger-bodies';
import { parseIdempotencyKey, TriggerIdempotencyStore } from './trigger-idempotency';
import { TriggerRateLimiter } from './trigger-rate-limiter';
import { triggerSecretHash } from './trigger-secret';
import type { TriggerWithProject } from './trigger-records';
import { TriggersRepository } from './triggers.repository';
import { mintPreApproval } from '../write-path/pre-approval';

/** Refusals that happen before the flag is looked at: the call is not counted. */
const NOT_CALLS = new Set(['trigger/not_found', 'trigger/disabled']);

/**
 * Firing a trigger: `POST /api/v1/triggers/{secret}`, where the URL is the credential. The action
 * goes through the one write path in one transaction with the trigger's counters and kept bodies,
 * the trigger itself as the actor (kind `trigger`).
 *
 * - Unknown or malformed secret: 404 `trigger/not_found`. Disabled: 409 `trigger/disabled`. Neither is counted.
 * - More than TRIGGER_RATE_LIMIT calls a minute: 429 `trigger/rate_limited` with Retry-After, not counted.
 * - Idempotent: an action that finds the flag as it would make it writes nothing and answers
 *   `changed: false`; an Idempotency-Key repeated within 24 h answers the first result, not fired again.
 * - The flag's state refusing the action (archived, instructions that no longer apply): 409 with the
 *   write path's code; the call is counted and its body kept with the failure, nothing is written.
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
    private readonly metrics: MetricsService,
  ) {}

  async fire(secret: string, body: unknown, idempotencyHeader?: string): Promise<TriggerFireResult> {
    try {
      const result = await this.fireOnce(secret, body, idempotencyHeader);
      this.metrics.automation.inc({
        kind: 'trigger',
        outcome: result.replayed ? 'replayed' : result.changed ? 'changed' : 'unchanged',
      });
      return result;
    } catch (err) {
      this.metrics.automation.inc({ kind: 'trigger', outcome: err instanceof DomainError ? err.code : 'error' });
      throw err;
    }
  }

  private async fireOnce(secret: string, body: unknown, idempotencyHeader?: string): Promise<TriggerFireResult> {
    const hash = triggerSecretHash(secret);
    const trigger = hash ? await this.repo.findBySecretHash(hash) : null;
    if (!hash || !trigger) throw triggerNotFound();
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
    const at = this.clock.now();
    try {
      return await this.repo.transaction((tx) => this.runInTx(tx, trigger, hash, body, at));
    } catch (err) {
      if (!(err instanceof DomainError) || err.status >= 500 || NOT_CALLS.has(err.code)) throw err;
      await this.repo.transaction(async (tx) => {
        const locked = await this.repo.findForUpdate(tx, trigger.id);
        if (locked)
          await this.repo.recordCall(
            tx,
            trigger.id,
            at,
            withRecentBody(locked.recentBodies, keptBody(body, at, { outcome: 'failed', code: err.code })),
          );
      });
      // The caller's request was fine; the stored action no longer fits the flag.
      throw err.status === 400
        ? new DomainError(
            err.code,
            409,
            `the trigger's action no longer applies to the flag: ${err.message}`,
            err.errors,
          )
        : err;
    }
  }

  private async runInTx(
    tx: Tx,
    trigger: TriggerWithProject,
    hash: string,
    body: unknown,
    at: Date,
  ): Promise<TriggerFireResult> {
    // Under the row lock: a rotation, disabling or deletion that committed since the lookup wins.
    const locked = await this.repo.findForUpdate(tx, trigger.id);
    if (!locked || locked.secretHash !== hash) throw triggerNotFound();
    if (!locked.enabled) throw triggerDisabled();
    const { project } = trigger;
    const env = project.environments.find((e) => e.id === locked.environmentId)!;
    const creator = locked.createdBy;
    const actor = automationActor(`trigger ${locked.name}`, { kind: 'trigger', id: locked.id });
    const write = await this.flags.applyPreApproved(tx, actor, project, env, locked.flagKey, {
      instructions: instructionsOf(locked.action),
      comment: `trigger '${locked.name}'`,
      preApproved: mintPreApproval({
        ...(creator.bypass ? { environmentKey: env.key } : {}),
        links: { trigger: { id: locked.id, name: locked.name } },
      }),
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
    return {
      triggerId: next.id,
      changed: outcome === 'changed',
      version: write.version,
      triggeredAt: at.toISOString(),
      replayed: false,
    };
  }
}
