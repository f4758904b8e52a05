import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { anyFlagResource, formatResource, type ResourceRef } from '../../core/policy';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { ProjectsService } from '../projects/projects.service';
import type { CreateMetricDto, UpdateMetricDto } from './dto/metrics.dto';
import { GuardsRepository, type MetricDefinition } from './guards.repository';
import type { ProjectContext } from '../projects/project-context';

export const metricView = (m: MetricDefinition) => ({
  key: m.key,
  name: m.name,
  description: m.description,
  kind: m.kind,
  direction: m.direction,
  threshold: m.threshold,
  createdAt: m.createdAt.toISOString(),
  updatedAt: m.updatedAt.toISOString(),
});

/** Metric definitions of a project: what guarded releases may watch. Managing them is part of managing releases. */
@Injectable()
export class MetricDefinitionsService {
  constructor(
    private readonly repo: GuardsRepository,
    private readonly projects: ProjectsService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, projectKey: string) {
    const project = await this.projects.require(actor, projectKey);
    return { items: (await this.repo.listMetrics(project.id)).map(metricView) };
  }

  async get(actor: Actor, projectKey: string, key: string) {
    const project = await this.projects.require(actor, projectKey);
    return metricView(await this.require(project.id, key));
  }

  async create(actor: Actor, projectKey: string, dto: CreateMetricDto) {
    const project = await this.projects.require(actor, projectKey);
    const ref = this.assertManage(actor, project);
    return metricView(
      await this.repo.transaction(async (tx) => {
        const row = await this.repo
          .createMetric(tx, {
            projectId: project.id,
            key: dto.key,
            name: dto.name,
            description: dto.description ?? '',
            kind: dto.kind,
            direction: dto.direction,
            threshold: dto.threshold,
          })
          .catch(rethrowDuplicate('metric', dto.key));
        await this.audit.record(tx, actor, {
          action: 'createMetric',
          resource: `${formatResource(ref)}:metric/${dto.key}`,
          after: metricView(row),
        });
        return row;
      }),
    );
  }

  async update(actor: Actor, projectKey: string, key: string, dto: UpdateMetricDto) {
    const project = await this.projects.require(actor, projectKey);
    const ref = this.assertManage(actor, project);
    const current = await this.require(project.id, key);
    return metricView(
      await this.repo.transaction(async (tx) => {
        const row = await this.repo.updateMetric(
          tx,
          current.id,
          Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)),
        );
        await this.audit.record(tx, actor, {
          action: 'updateMetric',
          resource: `${formatResource(ref)}:metric/${key}`,
          before: metricView(current),
          after: metricView(row),
        });
        return row;
      }),
    );
  }

  async remove(actor: Actor, projectKey: string, key: string): Promise<void> {
    const project = await this.projects.require(actor, projectKey);
    const ref = this.assertManage(actor, project);
    const current = await this.require(project.id, key);
    await this.repo.transaction(async (tx) => {
      await this.repo.deleteMetric(tx, current.id);
      await this.audit.record(tx, actor, {
        action: 'deleteMetric',
        resource: `${formatResource(ref)}:metric/${key}`,
        before: metricView(current),
      });
    });
  }

  private async require(projectId: string, key: string): Promise<MetricDefinition> {
    const row = await this.repo.findMetric(projectId, key);
    if (!row) throw new DomainError('metric/not_found', `metric '${key}' was not found`);
    return row;
  }

  /** Metrics steer releases of any flag in any environment of the project. */
  private assertManage(actor: Actor, project: ProjectContext): ResourceRef {
    const ref = anyFlagResource(project);
    this.authz.assert(actor, 'manageReleases', ref);
    return ref;
  }
}
