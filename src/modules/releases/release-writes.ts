import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import type { FlagDefinition } from '../../core/model/flag-config';
import { FLAG_INSTRUCTION_ACTIONS, type FlagInstructionKind } from '../../core/patch';
import { stageServing } from '../../core/release';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import { FlagWriteService } from '../flags/flag-write.service';
import { loadServing, servingInstruction } from './release-serving';
import { FlagsReadModel } from '../flags/flags.read-model';
import type { Release } from './release-records';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { AutomationGrant } from '../automation/automation-definition';
import type { PreApproval } from '../write-path/pre-approval';

/** Every kind of instruction a release writes (servingInstruction, trackingInstruction). */
const RELEASE_INSTRUCTION_KINDS: FlagInstructionKind[] = [
  'updateFallthroughVariationOrRollout',
  'updateRuleVariationOrRollout',
  'updateTrackEventsFallthrough',
  'updateRuleTrackEvents',
];
const RELEASE_SCOPES = RELEASE_INSTRUCTION_KINDS.map((k) => FLAG_INSTRUCTION_ACTIONS[k].scope);

/** Which of a release's writes an approval is for: a stage, or the rollback to the baseline. */
export type ReleaseWriteScope = { stage: number } | { rollback: true };

/**
 * What a release was allowed when it started (its environment's approval, or the starter's bypass):
 * writes to its flag in its environment, linked to the release. AutomationRunner mints it.
 */
export const RELEASE_GRANT: AutomationGrant<Release, ReleaseWriteScope> = {
  kind: 'release_step',
  grant: (r, scope) => ({
    environmentKey: r.environmentKey,
    links: {
      release:
        'rollback' in scope
          ? { id: r.id, rollback: true }
          : { id: r.id, stage: scope.stage, weight: r.stages[scope.stage].weight },
    },
  }),
};

/** The two writes a release makes to its flag, both through the one write path, under RELEASE_GRANT. */
@Injectable()
export class ReleaseWrites {
  constructor(
    private readonly flags: FlagWriteService,
    private readonly flagsRead: FlagsReadModel,
  ) {}

  async definition(r: Release, tx?: Tx): Promise<FlagDefinition> {
    const def = await this.flagsRead.definition(r.projectKey, r.flagKey, tx);
    if (!def) throw new DomainError('flag/not_found', `flag '${r.flagKey}' was not found`);
    return def;
  }

  /**
   * Serves stage `stage`'s weight of the target variation, the rest as before the release. The
   * serving is worked out from the flag as read under its lock (FlagWriteService.lock, compute,
   * applyComputed: the write applyPreApproved would make, without reading the flag before the lock).
   */
  async applyStage(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    r: Release,
    stage: number,
    preApproved: PreApproval,
  ): Promise<void> {
    const { stages, target } = r;
    const locked = await this.flags.lock(tx, project, r.flagKey, { env, scopes: RELEASE_SCOPES });
    const def = locked.def;
    const baseline = loadServing(r.baseline.serving, def.variations);
    const serving = stageServing(
      baseline,
      def.variations.map((v) => v._id),
      target.toVariationId,
      stages[stage].weight,
    );
    // A guard judges per-context feature events, which SDKs send only where the flag tracks events.
    const tracking = r.guard && stage === 0 ? [trackingInstruction(target.ruleId, true)] : [];
    const instructions = [...tracking, servingInstruction(serving, def.variations, target.ruleId)];
    const computed = await this.flags.compute(tx, project, env, locked, instructions);
    await this.flags.applyComputed(tx, actor, project, computed, {
      comment: `release ${r.id}: stage ${stage + 1} of ${stages.length} (${stages[stage].weight / 1000}%)`,
      preApproved,
    });
  }

  /** Serves again what the fallthrough (or rule) served before the release started. */
  async restoreBaseline(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    r: Release,
    def: FlagDefinition,
    why: string,
    preApproved: PreApproval,
  ): Promise<void> {
    const { target } = r;
    const serving = loadServing(r.baseline.serving, def.variations);
    // Tracking the guard turned on goes back off with the serving (releases that kept no record leave it).
    const tracking = r.baseline.trackEvents === false ? [trackingInstruction(target.ruleId, false)] : [];
    await this.flags.applyPreApproved(tx, actor, project, env, r.flagKey, {
      instructions: [...tracking, servingInstruction(serving, def.variations, target.ruleId)],
      comment: `rollback of release ${r.id}: ${why}`,
      preApproved,
    });
  }
}

/** Turns event tracking of the fallthrough (ruleId null) or a rule on or off. */
function trackingInstruction(ruleId: string | null, trackEvents: boolean): Record<string, unknown> {
  return ruleId === null
    ? { kind: 'updateTrackEventsFallthrough', trackEvents }
    : { kind: 'updateRuleTrackEvents', ruleId, trackEvents };
}
