import { Injectable } from '@nestjs/common';
import type { FlagDefinition, FlagEnvironmentConfig, Variation } from '../../core/model/flag-config';
import type { Tx } from '../../infra/prisma/tx';
import { FlagTags } from '../accounts/resource-tags';
import { FlagsRepository, type FlagLifecycleRow } from './flags.repository';

/**
 * What other modules may read of flags (conventions §16): they come here instead of querying the
 * flag tables. Plain data, no authorization: callers have done their own. Writes go through
 * FlagWriteService.
 */
@Injectable()
export class FlagsReadModel implements FlagTags {
  constructor(private readonly repo: FlagsRepository) {}

  /** The flag's definition (archived or not), or null when the project has no such flag; in `tx` when given. */
  definition(projectKey: string, flagKey: string, tx?: Tx): Promise<FlagDefinition | null> {
    return this.repo.definitionInProject(projectKey, flagKey, tx);
  }

  /** Variations of several flags in one query, keyed `<projectKey>/<flagKey>` (for naming variations in lists). */
  async variationsOf(refs: readonly { projectKey: string; key: string }[]): Promise<Map<string, Variation[]>> {
    const rows = await this.repo.definitionsByRefs(refs);
    return new Map(rows.map((r) => [`${r.projectKey}/${r.definition.key}`, r.definition.variations]));
  }

  /** Definitions of the project's live (non-archived) flags, by key (deploy signals link them to services). */
  liveDefinitions(projectId: string): Promise<FlagDefinition[]> {
    return this.repo.liveDefinitions(projectId);
  }

  async tags(projectId: string, flagKey: string): Promise<string[] | null> {
    const def = await this.repo.definition(projectId, flagKey);
    return def ? def.tags : null;
  }

  /** Keys of flags (archived or not) whose rules in the environment match the segment (in the caller's transaction). */
  usingSegment(tx: Tx, environmentId: string, segmentKey: string): Promise<string[]> {
    return this.repo.usingSegment(tx, environmentId, segmentKey);
  }

  /** Every flag's definition and configuration in one environment, read in the caller's transaction. */
  inEnvironment(
    tx: Tx,
    environmentId: string,
  ): Promise<{ definition: FlagDefinition; config: FlagEnvironmentConfig }[]> {
    return this.repo.configsInEnvironment(tx, environmentId);
  }

  /** Every flag of the project (archived too) with its newest configurations per environment, for lifecycle states. */
  lifecycleRows(projectId: string, versionsPerEnvironment = 50): Promise<FlagLifecycleRow[]> {
    return this.repo.lifecycleRows(projectId, versionsPerEnvironment);
  }

  /** Keys of every flag of the project, archived ones too (code references name them). */
  keys(projectId: string): Promise<string[]> {
    return this.repo.keys(projectId);
  }
}
