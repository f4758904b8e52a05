import { Injectable, Logger } from '@nestjs/common';
import { LIFECYCLE_STATES, type LifecycleSettings, type LifecycleState } from '../../core/lifecycle';
import { parseLifecycleSettings } from '../../core/lifecycle/settings-input';
import { DomainError } from '../../core/errors';
import { formatResource, projectResource } from '../../core/policy';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { ProjectsService } from '../projects/projects.service';
import { LifecycleStatesService } from './lifecycle-states.service';
import { LifecycleRepository } from './lifecycle.repository';

/** Project lifecycle settings (read: anyone who sees the project; write: `updateProject`) and the report. */
@Injectable()
export class LifecycleService {
  private readonly logger = new Logger('lifecycle');

  constructor(
    private readonly repo: LifecycleRepository,
    private readonly states: LifecycleStatesService,
    private readonly projects: ProjectsService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
  ) {}

  async getSettings(actor: Actor, projectKey: string): Promise<LifecycleSettings & { source: 'project' | 'default' }> {
    const project = await this.projects.require(actor, projectKey);
    const stored = await this.repo.settings(project.id);
    return { ...(await this.states.settings(project)), source: stored ? 'project' : 'default' };
  }

  async putSettings(
    actor: Actor,
    projectKey: string,
    body: unknown,
  ): Promise<LifecycleSettings & { source: 'project' }> {
    const project = await this.projects.require(actor, projectKey);
    this.authz.assert(actor, 'updateProject', projectResource(project));
    const parsed = parseLifecycleSettings(body);
    if ('errors' in parsed)
      throw new DomainError('lifecycle/invalid_settings', 'the lifecycle settings are not valid', parsed.errors);
    const before = await this.states.settings(project);
    await this.repo.transaction(async (tx) => {
      await this.repo.putSettings(tx, project.id, parsed.settings);
      await this.audit.record(tx, actor, {
        action: 'updateLifecycleSettings',
        resource: formatResource(projectResource(project)),
        before,
        after: parsed.settings,
        links: { lifecycleSettings: project.key },
      });
    });
    this.logger.log(`lifecycle settings of ${project.key} updated by ${actor.name}`);
    return { ...parsed.settings, source: 'project' };
  }

  async report(actor: Actor, projectKey: string, state?: string) {
    if (state !== undefined && !LIFECYCLE_STATES.includes(state as LifecycleState))
      throw new DomainError('request/invalid', `state must be one of ${LIFECYCLE_STATES.join(', ')}`, [
        { field: 'state', reason: `must be one of ${LIFECYCLE_STATES.join(', ')}` },
      ]);
    const project = await this.projects.require(actor, projectKey);
    const visible = this.projects.visibleEnvironmentKeys(actor, project);
    const computed = await this.states.compute(project);
    const items = computed
      .filter((c) => state === undefined || c.lifecycle.state === state)
      .map((c) => ({
        flagKey: c.flagKey,
        state: c.lifecycle.state,
        reasons: c.lifecycle.reasons.filter((r) => !r.environmentKey || visible.has(r.environmentKey)),
        codeReferenceCount: c.codeReferenceCount,
        environments: c.lifecycle.environments
          .filter((e) => visible.has(e.environmentKey))
          .map((e) => ({ ...e, lastEvaluatedAt: c.lastEvaluatedAt[e.environmentKey]?.toISOString() ?? null })),
      }));
    const totals = Object.fromEntries(
      LIFECYCLE_STATES.map((s) => [s, computed.filter((c) => c.lifecycle.state === s).length]),
    );
    return { items, totals };
  }
}
