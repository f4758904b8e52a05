import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { evaluateGuard, type GuardVerdict } from '../../core/release';
import type { Tx } from '../../infra/prisma/tx';
import { GuardsRepository } from './guards.repository';

export interface GuardSettings {
  metrics: string[];
  onRegression: 'pause' | 'rollback';
  minSamplePerArm: number;
  alpha: number;
}

export interface MetricVerdict {
  metric: string;
  result: GuardVerdict;
}

export interface GuardCheck {
  /** `regression` if any metric regressed, else `insufficient_data` if any lacks data, else `ok`. */
  outcome: 'regression' | 'insufficient_data' | 'ok';
  at: string;
  metrics: MetricVerdict[];
}

/**
 * The guard of a guarded release: for each watched metric, the old variations (control) against
 * the new one (treatment) over the contexts exposed since the stage in force began, judged by the
 * always-valid sequential test of core/release, so checking at every step does not inflate false
 * alarms. Too little data is never a pass.
 */
@Injectable()
export class GuardService {
  constructor(private readonly repo: GuardsRepository) {}

  /** The metric keys, checked to exist in the project (400 `release/unknown_metric` otherwise). */
  async requireMetrics(projectId: string, keys: string[]): Promise<void> {
    const found = new Set((await this.repo.findMetrics(projectId, keys)).map((m) => m.key));
    const missing = keys.filter((k) => !found.has(k));
    if (missing.length) {
      throw new DomainError(
        'release/unknown_metric',
        `no metric ${missing.map((k) => `'${k}'`).join(', ')} in this project`,
        missing.map((k) => ({ field: 'guard.metrics', reason: `no metric '${k}'` })),
      );
    }
  }

  async check(
    q: {
      projectId: string;
      environmentId: string;
      flagKey: string;
      treatmentVariation: number;
      since: Date;
      guard: GuardSettings;
      now: Date;
    },
    tx?: Tx,
  ): Promise<GuardCheck> {
    const definitions = await this.repo.findMetrics(q.projectId, q.guard.metrics, tx);
    const metrics: MetricVerdict[] = [];
    for (const key of q.guard.metrics) {
      const def = definitions.find((d) => d.key === key);
      // Deleted since the release started: fails the release in the background (the catalogue's 400 is never sent).
      if (!def) throw new DomainError('release/unknown_metric', `metric '${key}' no longer exists`);
      const arms = await this.repo.arms(
        {
          environmentId: q.environmentId,
          flagKey: q.flagKey,
          metricKey: key,
          kind: def.kind as 'count' | 'numeric',
          since: q.since,
          treatmentVariation: q.treatmentVariation,
        },
        tx,
      );
      const result = evaluateGuard(arms.control, arms.treatment, {
        direction: def.direction as 'higher_is_better' | 'lower_is_better',
        threshold: def.threshold,
        alpha: q.guard.alpha,
        minSamplePerArm: q.guard.minSamplePerArm,
      });
      metrics.push({ metric: key, result });
    }
    const verdicts = metrics.map((m) => m.result.verdict);
    const outcome = verdicts.includes('regression')
      ? 'regression'
      : verdicts.includes('insufficient_data')
        ? 'insufficient_data'
        : 'ok';
    return { outcome, at: q.now.toISOString(), metrics };
  }
}
