import { Injectable } from '@nestjs/common';
import { DomainError, type FieldError } from '../../core/errors';
import { validateStages } from '../../core/release';
import { formatResource } from '../../core/policy';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { GuardService } from '../guards/guard.service';
import { ProjectsService } from '../projects/projects.service';
import type { CreatePipelineDto, PhaseDto, UpdatePipelineDto } from './dto/pipelines.dto';
import { pipelineToPlanPhases, planToPipelinePhases, type Phase } from './pipeline-model';
import type { Pipeline } from './pipeline-records';
import { PipelinesRepository } from './pipelines.repository';
import { ReleasePlansService } from './release-plans.service';
import type { ProjectContext } from '../projects/project-context';

export const pipelineView = (p: Pipeline) => ({
  key: p.key,
  name: p.name,
  description: p.description,
  phases: planToPipelinePhases(p.phases),
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

/** The view with only the audiences in environments the caller may view (read access as narrow as write access). */
export const visiblePipelineView = (p: Pipeline, visible: ReadonlySet<string>) => {
  const view = pipelineView(p);
  return {
    ...view,
    phases: view.phases.map((ph) => ({ ...ph, audiences: ph.audiences.filter((a) => visible.has(a.environmentKey)) })),
  };
};

/**
 * The legacy `/release-pipelines` endpoints, kept as aliases over release plans: a pipeline is a plan
 * whose phases are shown grouped (`with_previous` phases join the phase before), and written through
 * the mapping the migration applied (pipeline-model.ts pipelineToPlanPhases).
 */
@Injectable()
export class PipelinesService {
  constructor(
    private readonly repo: PipelinesRepository,
    private readonly projects: ProjectsService,
    private readonly audit: AuditService,
    private readonly guards: GuardService,
    private readonly plans: ReleasePlansService,
  ) {}

  async list(actor: Actor, projectKey: string) {
    const project = await this.projects.require(actor, projectKey);
    const visible = this.plans.visibleKeys(actor, project);
    return { items: (await this.repo.list(project.id)).map((p) => visiblePipelineView(p, visible)) };
  }

  async get(actor: Actor, projectKey: string, key: string) {
    const project = await this.projects.require(actor, projectKey);
    return visiblePipelineView(await this.require(project.id, key), this.plans.visibleKeys(actor, project));
  }

  async create(actor: Actor, projectKey: string, dto: CreatePipelineDto) {
    const project = await this.projects.require(actor, projectKey);
    const ref = this.plans.assertManage(actor, project);
    const phases = await this.validPhases(project, dto.phases);
    return pipelineView(
      await this.repo.transaction(async (tx) => {
        const row = await this.repo
          .create(tx, {
            projectId: project.id,
            key: dto.key,
            name: dto.name,
            description: dto.description ?? '',
            phases: pipelineToPlanPhases(phases),
          })
          .catch(rethrowDuplicate('pipeline', dto.key));
        await this.audit.record(tx, actor, {
          action: 'createReleasePipeline',
          resource: `${formatResource(ref)}:pipeline/${dto.key}`,
          after: pipelineView(row),
        });
        return row;
      }),
    );
  }

  async update(actor: Actor, projectKey: string, key: string, dto: UpdatePipelineDto) {
    const project = await this.projects.require(actor, projectKey);
    const ref = this.plans.assertManage(actor, project);
    const current = await this.require(project.id, key);
    const phases = dto.phases ? await this.validPhases(project, dto.phases) : undefined;
    return pipelineView(
      await this.repo.transaction(async (tx) => {
        const row = await this.repo.update(tx, current.id, {
          name: dto.name,
          description: dto.description,
          phases: phases && pipelineToPlanPhases(phases),
        });
        await this.audit.record(tx, actor, {
          action: 'updateReleasePipeline',
          resource: `${formatResource(ref)}:pipeline/${key}`,
          before: pipelineView(current),
          after: pipelineView(row),
        });
        return row;
      }),
    );
  }

  async remove(actor: Actor, projectKey: string, key: string): Promise<void> {
    const project = await this.projects.require(actor, projectKey);
    const ref = this.plans.assertManage(actor, project);
    const current = await this.require(project.id, key);
    await this.repo.transaction(async (tx) => {
      await this.repo.remove(tx, current.id);
      await this.audit.record(tx, actor, {
        action: 'deleteReleasePipeline',
        resource: `${formatResource(ref)}:pipeline/${key}`,
        before: pipelineView(current),
      });
    });
  }

  async require(projectId: string, key: string): Promise<Pipeline> {
    const row = await this.repo.find(projectId, key);
    if (!row) throw new DomainError('pipeline/not_found', `release pipeline '${key}' was not found`);
    return row;
  }

  /** Environments exist and appear once; strategies carry what they need (stages, guard metrics that exist). */
  private async validPhases(project: ProjectContext, phases: PhaseDto[]): Promise<Phase[]> {
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    const out: Phase[] = phases.map((phase, p) => ({
      name: phase.name,
      audiences: phase.audiences.map((a, i) => {
        const field = `phases[${p}].audiences[${i}]`;
        if (!project.environments.some((e) => e.key === a.environmentKey))
          errors.push({ field, reason: `no environment '${a.environmentKey}'` });
        if (seen.has(a.environmentKey))
          errors.push({ field, reason: `environment '${a.environmentKey}' appears twice` });
        seen.add(a.environmentKey);
        const { kind } = a.strategy;
        if (kind === 'immediate' && (a.strategy.stages || a.strategy.guard))
          errors.push({ field, reason: 'an immediate audience has no stages or guard' });
        if (kind !== 'immediate') {
          try {
            validateStages(a.strategy.stages);
          } catch (e) {
            errors.push({ field: `${field}.strategy.stages`, reason: (e as Error).message });
          }
        }
        if (kind === 'guarded' && !a.strategy.guard) errors.push({ field, reason: 'a guarded audience needs a guard' });
        if (kind === 'staged' && a.strategy.guard)
          errors.push({ field, reason: 'a staged audience has no guard (use guarded)' });
        return {
          environmentKey: a.environmentKey,
          strategy: {
            kind,
            ...(a.strategy.stages ? { stages: a.strategy.stages } : {}),
            ...(a.strategy.guard ? { guard: a.strategy.guard } : {}),
          },
          requireApproval: a.requireApproval ?? false,
        };
      }),
    }));
    if (errors.length)
      throw new DomainError('pipeline/invalid_phases', `${errors[0].field}: ${errors[0].reason}`, errors);
    const metrics = out.flatMap((p) => p.audiences.flatMap((a) => a.strategy.guard?.metrics ?? []));
    if (metrics.length) await this.guards.requireMetrics(project.id, [...new Set(metrics)]);
    return out;
  }
}
