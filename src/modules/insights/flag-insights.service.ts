import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import { fillSeries, insightRange } from '../../core/insights/insight-series';
import { NO_VARIATION } from '../../core/insights/evaluation-tally';
import { ClockService } from '../../infra/clock/clock.service';
import type { Actor } from '../accounts/models/actor';
import { FlagsReadModel } from '../flags/flags.read-model';
import { ProjectsService } from '../projects/projects.service';
import type { FlagInsightsDto, InsightsQueryDto } from './dto/insights.dto';
import { InsightsRepository } from './insights.repository';

/** A flag's evaluations in one environment: over time by variation, when last evaluated, by which SDKs. */
@Injectable()
export class FlagInsightsService {
  constructor(
    private readonly repo: InsightsRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagsReadModel,
    private readonly clock: ClockService,
  ) {}

  async get(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    q: InsightsQueryDto,
  ): Promise<FlagInsightsDto> {
    const project = await this.projects.require(actor, projectKey);
    const env = this.projects.requireVisibleEnvironment(actor, project, envKey);
    const flag = await this.flags.definition(project.key, flagKey);
    if (!flag) throw notFound('flag', flagKey);
    const granularity = q.granularity ?? 'hour';
    const range = insightRange(
      granularity,
      this.clock.now(),
      q.from !== undefined ? new Date(q.from) : undefined,
      q.to !== undefined ? new Date(q.to) : undefined,
    );
    if ('field' in range) throw new DomainError('request/invalid', `${range.field}: ${range.reason}`, [range]);
    const [rows, sdks, last] = await Promise.all([
      this.repo.series(env.id, flagKey, range.from, range.to, granularity),
      this.repo.sdks(env.id, flagKey, range.from, range.to, granularity),
      this.repo.lastEvaluatedAt(env.id, flagKey),
    ]);
    const series = fillSeries(rows, granularity, range.from, range.to);
    return {
      granularity,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      lastEvaluatedAt: last?.toISOString() ?? null,
      total: series.reduce((n, p) => n + p.total, 0),
      variations: [
        ...flag.variations.map((v, index) => ({ index, name: v.name ?? null, value: v.value })),
        { index: NO_VARIATION, name: 'SDK default (no variation served)', value: null },
      ],
      series: series.map((p) => ({ ...p, at: p.at.toISOString() })),
      sdks: sdks.map((s) => ({ sdk: s.sdk, count: s.count, lastSeenAt: s.lastAt.toISOString() })),
    };
  }
}
