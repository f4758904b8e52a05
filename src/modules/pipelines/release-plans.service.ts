import { Injectable } from '@nestjs/common';
import { DomainError, type FieldError } from '../../core/errors';
import { validExpireAfterMs, validatePlanPhases, type PlanPhase } from '../../core/release';
import { anyFlagResource, formatResource, type ResourceRef } from '../../core/policy';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { FlagsReadModel } from '../flags/flags.read-model';
import { GuardService } from '../guards/guard.service';
import type { ProjectContext } from '../projects/project-context';
import { ProjectsService } from '../projects/projects.service';
import type { CreateReleasePlanDto, PlanPhaseDto, UpdateReleasePlanDto } from './dto/release-plans.dto';
import type { Pipeline } from './pipeline-records';
import { PipelinesRepository, type PlanWrite } from './pipelines.repository';

export const planView = (p: Pipeline) => ({
  key: p.key,
  name: p.name,
  description: p.description,
  version: p.version,
  default: p.isDefault,
  forTags: p.forTags,
  expireAfterMs: p.expireAfterMs,
  phases: p.phases,
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

/** The view with only the phases in environments the caller may view (read access as narrow as write access). */
export const visiblePlanView = (p: Pipeline, visible: ReadonlySet<string>) => {
  const view = planView(p);
  return { ...view, phases: view.phases.filter((ph) => visible.has(ph.environmentKey)) };
};

export type PlanSource = { source: 'explicit' } | { source: 'tag'; tag: string } | { source: 'project' };

/**
 * Release plans: versioned templates of environment phases, validated against the project when
 * written; which plan applies to a flag (explicit > tag default > project default).
 */
@Injectable()
export class ReleasePlansService {
  constructor(
    private readonly repo: PipelinesRepository,
    private readonly projects: ProjectsService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly guards: GuardService,
    private readonly flagsRead: FlagsReadModel,
  ) {}

  async list(actor: Actor, projectKey: string) {
    const project = await this.projects.require(actor, projectKey);
    const visible = this.visibleKeys(actor, project);
    return { items: (await this.repo.list(project.id)).map((p) => visiblePlanView(p, visible)) };
  }

  async get(actor: Actor, projectKey: string, key: string) {
    const project = await this.projects.require(actor, projectKey);
    return visiblePlanView(await this.require(project.id, key), this.visibleKeys(actor, project));
  }

  visibleKeys(actor: Actor, project: ProjectContext): ReadonlySet<string> {
    return new Set(this.projects.visibleEnvironments(actor, project).map((e) => e.key));
  }

  async create(actor: Actor, projectKey: string, dto: CreateReleasePlanDto) {
    const project = await this.projects.require(actor, projectKey);
    const ref = this.assertManage(actor, project);
    const phases = await this.validPlan(project, dto.phases, dto.expireAfterMs);
    const row = await this.repo.transaction(async (tx) => {
      const created = await this.repo
        .create(tx, { projectId: project.id, key: dto.key, phases, ...this.fields(dto), name: dto.name })
        .catch(rethrowDuplicate('release_plan', dto.key));
      if (created.isDefault) await this.repo.clearDefault(tx, project.id, created.id);
      await this.audit.record(tx, actor, {
        action: 'createReleasePlan',
        resource: `${formatResource(ref)}:release-plan/${dto.key}`,
        after: planView(created),
      });
      return created;
    });
    return planView(row);
  }

  async update(actor: Actor, projectKey: string, key: string, dto: UpdateReleasePlanDto) {
    const project = await this.projects.require(actor, projectKey);
    const ref = this.assertManage(actor, project);
    const current = await this.require(project.id, key);
    const phases = await this.validPlan(project, dto.phases, dto.expireAfterMs);
    return planView(await this.write(actor, ref, current, { ...this.fields(dto), name: dto.name, phases }));
  }

  /** One edit of a plan in its own transaction (bumps its version), audited; also the legacy pipeline edit. */
  async write(actor: Actor, ref: ResourceRef, current: Pipeline, data: PlanWrite & { phases?: PlanPhase[] }) {
    return this.repo.transaction(async (tx) => {
      const row = await this.repo.update(tx, current.id, data);
      if (data.isDefault) await this.repo.clearDefault(tx, current.projectId, current.id);
      await this.audit.record(tx, actor, {
        action: 'updateReleasePlan',
        resource: `${formatResource(ref)}:release-plan/${current.key}`,
        before: planView(current),
        after: planView(row),
      });
      return row;
    });
  }

  async remove(actor: Actor, projectKey: string, key: string): Promise<void> {
    const project = await this.projects.require(actor, projectKey);
    const ref = this.assertManage(actor, project);
    const current = await this.require(project.id, key);
    await this.repo.transaction(async (tx) => {
      await this.repo.remove(tx, current.id);
      await this.audit.record(tx, actor, {
        action: 'deleteReleasePlan',
        resource: `${formatResource(ref)}:release-plan/${key}`,
        before: planView(current),
      });
    });
  }

  async require(projectId: string, key: string): Promise<Pipeline> {
    const row = await this.repo.find(projectId, key);
    if (!row) throw new DomainError('release_plan/not_found', `release plan '${key}' was not found`);
    return row;
  }

  /** `GET flags/{f}/release-plan`: which plan a start without planKey would use, and why. */
  async resolveView(actor: Actor, projectKey: string, flagKey: string, planKey?: string) {
    const project = await this.projects.require(actor, projectKey);
    const { plan, ...source } = await this.resolve(project, flagKey, planKey);
    return { ...source, plan: visiblePlanView(plan, this.visibleKeys(actor, project)) };
  }

  /**
   * The plan for a flag: the one named, else the default for one of the flag's tags (the first such
   * plan by key when several match), else the project's default; `release_plan/no_plan` if none.
   */
  async resolve(project: ProjectContext, flagKey: string, planKey?: string): Promise<{ plan: Pipeline } & PlanSource> {
    const def = await this.flagsRead.definition(project.key, flagKey);
    if (!def) throw new DomainError('flag/not_found', `flag '${flagKey}' was not found`);
    if (planKey) return { source: 'explicit', plan: await this.require(project.id, planKey) };
    const plans = await this.repo.list(project.id); // ordered by key
    for (const plan of plans) {
      const tag = plan.forTags.find((t) => def.tags.includes(t));
      if (tag) return { source: 'tag', tag, plan };
    }
    const projectDefault = plans.find((p) => p.isDefault);
    if (projectDefault) return { source: 'project', plan: projectDefault };
    throw new DomainError(
      'release_plan/no_plan',
      `no release plan applies to flag '${flagKey}': name one (planKey), ` +
        'or make a plan the project default or the default for one of its tags',
    );
  }

  private fields(dto: CreateReleasePlanDto | UpdateReleasePlanDto): PlanWrite {
    return {
      description: dto.description,
      isDefault: dto.default,
      forTags: dto.forTags ? [...new Set(dto.forTags)] : undefined,
      expireAfterMs: dto.expireAfterMs,
    };
  }

  /** Every problem at once (`release_plan/invalid`, each naming its field); guard metrics must exist. */
  async validPlan(project: ProjectContext, input: PlanPhaseDto[], expireAfterMs?: number | null): Promise<PlanPhase[]>;
  async validPlan(
    project: ProjectContext,
    input: PlanPhaseDto[] | undefined,
    expireAfterMs?: number | null,
  ): Promise<PlanPhase[] | undefined>;
  async validPlan(project: ProjectContext, input: PlanPhaseDto[] | undefined, expireAfterMs?: number | null) {
    const errors: FieldError[] = [];
    validExpireAfterMs(expireAfterMs ?? undefined, errors);
    const checked = input
      ? validatePlanPhases(
          input,
          project.environments.map((e) => e.key),
        )
      : undefined;
    errors.push(...(checked?.errors ?? []));
    if (errors.length)
      throw new DomainError('release_plan/invalid', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
    if (!checked) return undefined;
    const metrics = checked.phases.flatMap((p) => p.strategy.guard?.metrics ?? []);
    if (metrics.length) await this.guards.requireMetrics(project.id, [...new Set(metrics)]);
    return checked.phases;
  }

  assertManage(actor: Actor, project: ProjectContext): ResourceRef {
    const ref = anyFlagResource(project);
    this.authz.assert(actor, 'manageReleases', ref);
    return ref;
  }
}
