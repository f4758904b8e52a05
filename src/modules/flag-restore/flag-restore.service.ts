import { Inject, Injectable } from '@nestjs/common';
import type { ConfigChange, FlagState } from '../../core/approval';
import { DomainError, isError, notFound } from '../../core/errors';
import type { Rule, Variation } from '../../core/model/flag-config';
import { restoreInstructions, type RestoreInstruction } from '../../core/patch';
import { MAX_INT32 } from '../../infra/http/validators';
import type { Actor } from '../accounts/models/actor';
import { ChangeRequestsService } from '../approvals/change-requests.service';
import type { ChangeRequestView } from '../approvals/models/change-request.view';
import { FlagWriteService } from '../flags/flag-write.service';
import { FlagsReadModel } from '../flags/flags.read-model';
import { FlagsService } from '../flags/flags.service';
import type { FlagView } from '../flags/models/flag.view';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { ProjectsService } from '../projects/projects.service';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import { RESOURCE_WRITER, type ResourceWriter } from '../write-path/resource-writer';
import type { RestoreFlagVersionDto } from './dto/restore.dto';

/**
 * - `dryRun`: nothing written; the instructions and the diff a restore would make now.
 * - `committed`: written directly (no approval needed, or break-glass with a reason).
 * - `pending`: the environment requires approval, so a change request holding the instructions was opened.
 * - `unchanged`: the configuration already is the version's; nothing to do (restoring is idempotent).
 */
export type RestoreStatus = 'dryRun' | 'committed' | 'pending' | 'unchanged';

export interface RestoreResult {
  status: RestoreStatus;
  /** The version restored. */
  version: number;
  /** The environment's version the instructions were computed against. */
  baseVersion: number;
  instructions: RestoreInstruction[];
  diff: ConfigChange[];
  /** Why the environment's settings require approval for this restore (empty: they do not). */
  approvalReasons: string[];
  /** The flag after the write (`committed`) or as it is (`unchanged`). */
  flag?: FlagView;
  /** The change request opened (`pending`). */
  changeRequest?: ChangeRequestView;
}

/**
 * Restoring a flag's configuration in one environment to a kept version. The difference between
 * now and that version becomes semantic-patch instructions (core/patch restoreInstructions), which
 * then take the road of any other change: FlagWriteService for a direct write (authorization per
 * instruction, validation, new version, audit entry, outbox), or a change request where the
 * environment requires approval. Its own module because it needs both flags and approvals.
 */
@Injectable()
export class FlagRestoreService {
  constructor(
    private readonly projects: ProjectsService,
    private readonly flags: FlagsReadModel,
    private readonly flagsService: FlagsService,
    private readonly writes: FlagWriteService,
    private readonly changeRequests: ChangeRequestsService,
    @Inject(RESOURCE_WRITER.flag) private readonly flagWriter: ResourceWriter<FlagState>,
    @Inject(RESOURCE_WRITER.segment) private readonly segmentWriter: ResourceWriter,
  ) {}

  async restore(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    version: number,
    dto: RestoreFlagVersionDto,
    bypassHeader?: BreakGlass,
  ): Promise<RestoreResult> {
    if (!Number.isInteger(version) || version < 1) {
      throw new DomainError('request/invalid', `version must be a positive integer, not ${version}`, [
        { field: 'version', reason: 'must be a positive integer' },
      ]);
    }
    const project = await this.projects.require(actor, projectKey);
    const env = this.projects.requireEnvironment(project, envKey);
    const current = await this.flagWriter.current(project, env, flagKey);
    const target = version <= MAX_INT32 ? await this.flagWriter.atVersion(project, env, flagKey, version) : null;
    if (!target) throw notFound('flag_version', `${flagKey}@${envKey}#${version}`);

    const variations = await this.prerequisiteVariations(projectKey, target);
    const instructions = restoreInstructions(current.state, target, {
      prerequisiteVariations: (key) => variations.get(key),
    });
    const base = { version, baseVersion: current.version, instructions };
    if (!instructions.length) {
      const flag = await this.flagsService.get(actor, projectKey, flagKey);
      return { ...base, status: dto.dryRun ? 'dryRun' : 'unchanged', diff: [], approvalReasons: [], flag };
    }
    await this.assertSegmentsExist(project, env, current.state.environment.rules, target.environment.rules);

    // Validated as the write will be, and authorized for the caller only when something is written.
    const preview = await this.flagWriter.dryRun(actor, project, env, flagKey, instructions, {
      authorize: !dto.dryRun,
    });
    const shown = { ...base, diff: preview.diff, approvalReasons: preview.reasons };
    if (dto.dryRun) return { ...shown, status: 'dryRun' };

    const comment = dto.comment?.trim() || `restore to version ${version}`;
    const bypass = breakGlassOf(dto.bypass, bypassHeader);
    if (preview.reasons.length && !bypass) {
      const changeRequest = await this.changeRequests.create(actor, 'flag', projectKey, envKey, flagKey, {
        description: comment,
        instructions,
      });
      return { ...shown, status: 'pending', changeRequest };
    }
    // If-Match: the instructions were computed against this version; a write in between is a 412, not a half-restore.
    const flag = await this.writes.patch(
      actor,
      projectKey,
      flagKey,
      { environmentKey: envKey, instructions, comment, ...(bypass ? { bypass } : {}) },
      String(current.version),
    );
    return { ...shown, status: 'committed', flag };
  }

  /** Variations of the (non-archived) flags the version has as prerequisites. */
  private async prerequisiteVariations(projectKey: string, target: FlagState): Promise<Map<string, Variation[]>> {
    const found = new Map<string, Variation[]>();
    for (const { key } of target.environment.prerequisites) {
      const def = await this.flags.definition(projectKey, key);
      if (def && !def.archived) found.set(key, def.variations);
    }
    return found;
  }

  /** Segments that the version's rules match and that today's rules do not: each must still exist. */
  private async assertSegmentsExist(
    project: ProjectContext,
    env: EnvironmentContext,
    currentRules: Rule[],
    targetRules: Rule[],
  ): Promise<void> {
    const inUse = new Set(segmentKeys(currentRules));
    const missing: string[] = [];
    for (const key of new Set(segmentKeys(targetRules))) {
      if (inUse.has(key)) continue;
      try {
        await this.segmentWriter.current(project, env, key);
      } catch (err) {
        if (!isError(err, 'segment/not_found')) throw err;
        missing.push(key);
      }
    }
    if (missing.length) {
      throw new DomainError(
        'flag_version/segment_removed',
        `the version's rules match segment${missing.length > 1 ? 's' : ''} ${missing.map((k) => `'${k}'`).join(', ')} ` +
          `that no longer exist${missing.length > 1 ? '' : 's'} in environment '${env.key}'`,
        missing.map((key) => ({ field: 'rules', reason: `segment '${key}' does not exist` })),
      );
    }
  }
}

function segmentKeys(rules: Rule[]): string[] {
  return rules.flatMap((r) =>
    r.clauses.flatMap((c) =>
      c.op === 'segmentMatch' ? c.values.filter((v): v is string => typeof v === 'string') : [],
    ),
  );
}
