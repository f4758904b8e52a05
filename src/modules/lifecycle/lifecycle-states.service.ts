import { Injectable } from '@nestjs/common';
import {
  flagLifecycle,
  lifecycleSettingsOf,
  type FlagLifecycle,
  type LifecycleSettings,
  type LifecycleState,
} from '../../core/lifecycle';
import { ClockService } from '../../infra/clock/clock.service';
import { CodeReferencesReadModel } from '../code-references/code-references.read-model';
import { FlagLifecycleStates } from '../flags/flag-lifecycle.port';
import { FlagsReadModel } from '../flags/flags.read-model';
import { InsightsRepository } from '../insights/insights.repository';
import type { ProjectContext } from '../projects/project-context';
import { lifecycleFactsOf } from './lifecycle-facts';
import { LifecycleRepository } from './lifecycle.repository';

export interface ComputedLifecycle {
  flagId: string;
  flagKey: string;
  lifecycle: FlagLifecycle;
  codeReferenceCount: number;
  /** Per environment key: the last evaluation counted (null: none within retention). */
  lastEvaluatedAt: Record<string, Date | null>;
}

/**
 * Computes every flag's lifecycle state in a project from the facts other modules own (their read
 * models): versions from flags, last evaluations from insights, reference counts from code
 * references, thresholds from the project's settings; core/lifecycle decides. Nothing is stored.
 */
@Injectable()
export class LifecycleStatesService extends FlagLifecycleStates {
  constructor(
    private readonly repo: LifecycleRepository,
    private readonly flags: FlagsReadModel,
    private readonly insights: InsightsRepository,
    private readonly codeRefs: CodeReferencesReadModel,
    private readonly clock: ClockService,
  ) {
    super();
  }

  async settings(project: ProjectContext): Promise<LifecycleSettings> {
    return lifecycleSettingsOf(await this.repo.settings(project.id));
  }

  async compute(project: ProjectContext): Promise<ComputedLifecycle[]> {
    const now = this.clock.now();
    const [settings, rows, evaluated, counts] = await Promise.all([
      this.settings(project),
      this.flags.lifecycleRows(project.id),
      this.insights.lastEvaluatedPerFlag(project.environments.map((e) => e.id)),
      this.codeRefs.countsByFlag(project.id),
    ]);
    const last = new Map(evaluated.map((r) => [`${r.environmentId}/${r.flagKey}`, r.lastAt]));
    return rows.map((row) => {
      const codeReferenceCount = counts.get(row.key) ?? 0;
      const facts = lifecycleFactsOf(row, project.environments, last, codeReferenceCount);
      const lastEvaluatedAt = Object.fromEntries(facts.environments.map((e) => [e.key, e.lastEvaluatedAt]));
      const lifecycle = flagLifecycle(facts, settings, now);
      return { flagId: row.id, flagKey: row.key, lifecycle, codeReferenceCount, lastEvaluatedAt };
    });
  }

  async overallStates(project: ProjectContext): Promise<Map<string, LifecycleState>> {
    return new Map((await this.compute(project)).map((c) => [c.flagKey, c.lifecycle.state]));
  }
}
