import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '../../infra/metrics/metrics.service';
import {
  environmentChangeRequestPath,
  EnvironmentGovernanceService,
} from '../environments/environment-governance.service';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import { BYPASS_LEDGER, bypassAuditLinks, type BypassLedger, type BypassNotice } from '../write-path/bypass-ledger';
import { defaultApprovalSettings, type ApprovalSettings } from '../../core/approval';
import { DomainError } from '../../core/errors';
import { environmentResource, formatResource, projectResource } from '../../core/policy';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { ProjectsService } from '../projects/projects.service';
import { approvalSettingsOf, enforceApprovalGate } from '../write-path/approval-gate';
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
    private readonly governance: EnvironmentGovernanceService,
    private readonly metrics: MetricsService,
    @Inject(BYPASS_LEDGER) private readonly ledger: BypassLedger,
  ) {}

  async get(actor: Actor, projectKey: string, envKey: string): Promise<ApprovalSettingsView> {
    const project = await this.projects.require(actor, projectKey);
    const env = this.projects.requireVisibleEnvironment(actor, project, envKey);
    return {
      ...approvalSettingsOf(project, env),
      source: env.approvalSettings ? 'environment' : project.approvalDefaults ? 'project' : 'default',
    };
  }

  /** Through the environment's governance write path: where approval is required, changing them is gated. */
  async put(
    actor: Actor,
    projectKey: string,
    envKey: string,
    { bypass, ...dto }: ApprovalSettingsDto,
    bypassHeader?: BreakGlass,
  ): Promise<ApprovalSettingsView & { approvalBypassed?: BypassNotice[] }> {
    const project = await this.projects.require(actor, projectKey);
    const env = this.projects.requireEnvironment(project, envKey);
    this.authz.assert(actor, 'updateApprovalSettings', environmentResource(project, env));
    const settings = await this.merge(approvalSettingsOf(project, env), dto);
    const { env: after, bypassed } = await this.governance.write(
      actor,
      project,
      env,
      [{ kind: 'updateApprovalSettings', settings }],
      { bypass: breakGlassOf(bypass, bypassHeader), directSettingsAction: 'updateApprovalSettings' },
    );
    const view: ApprovalSettingsView = { ...approvalSettingsOf(project, after!), source: 'environment' };
    return bypassed.length ? { ...view, approvalBypassed: bypassed } : view;
  }

  async getDefaults(actor: Actor, projectKey: string): Promise<ApprovalSettingsView> {
    const project = await this.projects.require(actor, projectKey);
    return { ...this.defaultsOf(project), source: project.approvalDefaults ? 'project' : 'default' };
  }

  /**
   * Defaults apply to every environment without settings of its own (new ones included), so
   * changing them needs `updateApprovalSettings` on all of the project's environments.
   */
  async putDefaults(
    actor: Actor,
    projectKey: string,
    { bypass, ...dto }: ApprovalSettingsDto,
    bypassHeader?: BreakGlass,
  ): Promise<ApprovalSettingsView & { approvalBypassed?: BypassNotice[] }> {
    const project = await this.projects.require(actor, projectKey);
    this.authz.assert(
      actor,
      'updateApprovalSettings',
      environmentResource(project, { key: '*', critical: true, tags: [] }),
    );
    const before = this.defaultsOf(project);
    const after = await this.merge(before, dto);
    const changed = JSON.stringify(before) !== JSON.stringify(after);
    // The defaults protect every environment without settings of its own: where those require
    // approval, changing them is gated like changing the environment's own settings.
    const following = project.environments.filter((e) => !e.approvalSettings);
    const bypasses = enforceApprovalGate(
      this.authz,
      this.metrics,
      actor,
      'approval-settings',
      following.map((e) => ({
        environmentKey: e.key,
        resource: environmentResource(project, e),
        reasons:
          changed && approvalSettingsOf(project, e).required
            ? ['changing the project defaults that this environment requires approval under']
            : [],
      })),
      (k) => environmentChangeRequestPath(project.key, k),
      undefined,
      breakGlassOf(bypass, bypassHeader),
    );
    const bypassed = await this.repo.transaction(async (tx) => {
      await this.repo.setProjectDefaults(tx, project.id, after);
      const opened = await Promise.all(
        bypasses.map((b) => {
          const e = project.environments.find((x) => x.key === b.environment)!;
          return this.ledger.open(tx, actor, {
            kind: 'approval-settings',
            project,
            environment: e,
            resourceKey: project.key,
            instructions: [{ kind: 'updateApprovalDefaults', settings: after }],
            previousVersion: e.governanceVersion,
            appliedVersion: e.governanceVersion,
            reasons: b.reasons,
            bypassReason: b.bypassReason,
            approvalsRequired: approvalSettingsOf(project, e).minApprovals,
          });
        }),
      );
      await this.audit.record(tx, actor, {
        action: 'updateApprovalSettings',
        resource: formatResource(projectResource(project)),
        before,
        after,
        ...(bypasses.length ? { links: bypassAuditLinks(bypasses, opened) } : {}),
      });
      return opened;
    });
    this.ledger.announce(actor, bypassed);
    const view: ApprovalSettingsView = { ...after, source: 'project' };
    return bypassed.length ? { ...view, approvalBypassed: bypassed } : view;
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
