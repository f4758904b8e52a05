import { Injectable } from '@nestjs/common';
import { defaultApprovalSettings, type ApprovalSettings } from '../../core/approval';
import { DomainError } from '../../core/errors';
import { environmentResource, formatResource, projectResource } from '../../core/policy';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { ProjectsService } from '../projects/projects.service';
import { approvalSettingsOf } from '../write-path/approval-gate';
import { ApprovalSettingsRepository } from './approval-settings.repository';
import type { ApprovalSettingsDto } from './dto/approval-settings.dto';
import type { ProjectContext } from '../projects/project-context';

export type ApprovalSettingsView = ApprovalSettings & { source: 'environment' | 'project' | 'default' };

/**
 * Reads and writes approval settings. Writing them needs `updateApprovalSettings`, which the
 * built-in writer role lacks: switching approvals off would be a bypass by another name.
 */
@Injectable()
export class ApprovalSettingsService {
  constructor(
    private readonly repo: ApprovalSettingsRepository,
    private readonly projects: ProjectsService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Actor, projectKey: string, envKey: string): Promise<ApprovalSettingsView> {
    const project = await this.projects.require(actor, projectKey);
    const env = this.projects.requireVisibleEnvironment(actor, project, envKey);
    return {
      ...approvalSettingsOf(project, env),
      source: env.approvalSettings ? 'environment' : project.approvalDefaults ? 'project' : 'default',
    };
  }

  async put(actor: Actor, projectKey: string, envKey: string, dto: ApprovalSettingsDto): Promise<ApprovalSettingsView> {
    const project = await this.projects.require(actor, projectKey);
    const env = this.projects.requireEnvironment(project, envKey);
    const resource = environmentResource(project, env);
    this.authz.assert(actor, 'updateApprovalSettings', resource);
    const before = approvalSettingsOf(project, env);
    const after = await this.merge(before, dto);
    await this.repo.transaction(async (tx) => {
      await this.repo.setEnvironment(tx, env.id, after);
      await this.audit.record(tx, actor, {
        action: 'updateApprovalSettings',
        resource: formatResource(resource),
        before,
        after,
      });
    });
    return { ...after, source: 'environment' };
  }

  async getDefaults(actor: Actor, projectKey: string): Promise<ApprovalSettingsView> {
    const project = await this.projects.require(actor, projectKey);
    return { ...this.defaultsOf(project), source: project.approvalDefaults ? 'project' : 'default' };
  }

  /**
   * Defaults apply to every environment without settings of its own (new ones included), so
   * changing them needs `updateApprovalSettings` on all of the project's environments.
   */
  async putDefaults(actor: Actor, projectKey: string, dto: ApprovalSettingsDto): Promise<ApprovalSettingsView> {
    const project = await this.projects.require(actor, projectKey);
    this.authz.assert(
      actor,
      'updateApprovalSettings',
      environmentResource(project, { key: '*', critical: true, tags: [] }),
    );
    const before = this.defaultsOf(project);
    const after = await this.merge(before, dto);
    await this.repo.transaction(async (tx) => {
      await this.repo.setProjectDefaults(tx, project.id, after);
      await this.audit.record(tx, actor, {
        action: 'updateApprovalSettings',
        resource: formatResource(projectResource(project)),
        before,
        after,
      });
    });
    return { ...after, source: 'project' };
  }

  /** Project defaults as stored; without them, a non-critical environment's built-in default. */
  private defaultsOf(project: ProjectContext): ApprovalSettings {
    return approvalSettingsOf(project, { approvalSettings: null, critical: false });
  }

  private async merge(current: ApprovalSettings, dto: ApprovalSettingsDto): Promise<ApprovalSettings> {
    const defined = Object.fromEntries(
      Object.entries(dto).filter(([, v]) => v !== undefined),
    ) as Partial<ApprovalSettings>;
    const next: ApprovalSettings = { ...defaultApprovalSettings(false), ...current, ...defined };
    next.requiredApprovalTags = [...new Set(next.requiredApprovalTags)].sort();
    next.reviewerTeams = [...new Set(next.reviewerTeams)].sort();
    next.conditions = [...new Set(next.conditions)];
    const missing = await this.repo.missingTeams(next.reviewerTeams);
    if (missing.length) {
      throw new DomainError(
        'approval/unknown_team',
        `reviewerTeams: no team ${missing.map((k) => `'${k}'`).join(', ')}`,
        missing.map((k) => ({ field: 'reviewerTeams', reason: `no team '${k}'` })),
      );
    }
    return next;
  }
}
