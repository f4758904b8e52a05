import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { newSegmentReferences, PatchError, type FlagPatchContext, type FlagPatchResult } from '../../core/patch';
import type { Tx } from '../../infra/prisma/tx';
import type { ProjectContext } from '../projects/project-context';
import type { FlagRecord } from './flag-records';
import type { LockedFlagState } from './flag-write-records';
import { FlagsRepository } from './flags.repository';
import { configsByEnvKey } from './models/flag.view';
import { SegmentKeys } from './segment-keys.port';

const INSTRUCTIONS_NEEDING_FLAGS = new Set(['addPrerequisite', 'updatePrerequisite']);
/** Instructions that may name segments (segmentMatch clauses), or serve rules naming them again. */
const INSTRUCTIONS_NEEDING_SEGMENTS = new Set([
  'addRule',
  'addClauses',
  'updateClause',
  'addValuesToClause',
  'restoreFlag',
]);

/**
 * What core/patch needs of the project besides the flag itself, read only when the instructions
 * can use it: the project's other flags (prerequisites) and its environments' live segment keys
 * (segmentMatch clauses); and, at commit, the check that the segments a write newly serves still
 * exist, under a lock.
 */
@Injectable()
export class FlagPatchInputs {
  constructor(
    private readonly repo: FlagsRepository,
    private readonly segments: SegmentKeys,
  ) {}

  /**
   * What core/patch needs besides the flag: ids, the project's other flags when prerequisites are
   * involved, and its environments' live segment keys when segmentMatch clauses may be.
   */
  async patchContext(
    project: ProjectContext,
    steps: readonly { kind: string }[],
    db?: Tx,
  ): Promise<Omit<FlagPatchContext, 'environmentKey'>> {
    const others = steps.some((s) => INSTRUCTIONS_NEEDING_FLAGS.has(s.kind))
      ? await this.repo.listAll(db, project.id)
      : [];
    const segments = steps.some((s) => INSTRUCTIONS_NEEDING_SEGMENTS.has(s.kind))
      ? await this.segments.liveKeys(
          db,
          project.environments.map((e) => e.id),
        )
      : [];
    const envKeyOf = new Map(project.environments.map((e) => [e.id, e.key]));
    const live = new Set(segments.map((s) => `${envKeyOf.get(s.environmentId)}/${s.key}`));
    return {
      newId: randomUUID,
      lookupFlag: (key) => lookupIn(others, key),
      segmentExists: (envKey, key) => live.has(`${envKey}/${key}`),
    };
  }

  /**
   * The segments this write newly makes an environment serve (new segmentMatch values, or every
   * one on restore), locked FOR SHARE: one deleted since patchContext read the keys is refused,
   * and a delete after this sees the reference (it waits for the lock, then finds the rule).
   */
  async refuseVanishedSegments(tx: Tx, project: ProjectContext, locked: LockedFlagState, result: FlagPatchResult) {
    const restored = locked.def.archived && !result.flag.archived;
    const changed = restored ? Object.keys(result.environments) : result.changedEnvironments;
    for (const envKey of changed) {
      const env = project.environments.find((e) => e.key === envKey);
      if (!env) continue;
      const named = newSegmentReferences(
        restored ? [] : locked.configs[envKey].rules,
        result.environments[envKey].rules,
      );
      const live = new Set(await this.segments.lockLive(tx, env.id, named));
      const gone = named.filter((key) => !live.has(key));
      if (gone.length)
        throw new PatchError(
          gone.map((key) => ({
            field: `environments.${envKey}.rules`,
            reason: `segment '${key}' does not exist in environment '${envKey}'`,
          })),
          'patch/unknown_segment',
        );
    }
  }
}

function lookupIn(flags: FlagRecord[], key: string) {
  const row = flags.find((f) => f.key === key && !f.archived);
  if (!row) return undefined;
  const configs = configsByEnvKey(row);
  return {
    variations: row.definition.variations,
    prerequisiteKeys: (envKey: string) => (configs[envKey]?.prerequisites ?? []).map((p) => p.key),
  };
}
