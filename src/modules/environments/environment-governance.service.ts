import { Inject, Injectable } from '@nestjs/common';
import {
  applyEnvironmentInstructions,
  diffEnvironment,
  ENVIRONMENT_INSTRUCTION_ACTIONS,
  environmentGovernanceReasons,
  parseEnvironmentInstructions,
  type ConfigChange,
  type EnvironmentGovernanceState,
  type EnvironmentInstruction,
} from '../../core/approval';
import { DomainError, notFound } from '../../core/errors';
import { environmentResource, formatResource, type ActionName, type ResourceRef } from '../../core/policy';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { ProjectsRepository } from '../projects/projects.repository';
import { ProjectsService } from '../projects/projects.service';
import { SdkKeysNotifier } from '../projects/sdk-keys-notifier';
import { environmentAuditView } from '../projects/views';
import { approvalSettingsOf, enforceApprovalGate } from '../write-path/approval-gate';
import type { BreakGlass } from '../write-path/break-glass';
import { BYPASS_LEDGER, bypassAuditLinks, type BypassLedger, type BypassNotice } from '../write-path/bypass-ledger';
import type { PreApproval } from '../write-path/pre-approval';

export const environmentChangeRequestPath = (projectKey: string, envKey: string) =>
  `/api/v1/projects/${projectKey}/environments/${envKey}/change-requests`;

/** An environment locked in the caller's transaction, read once under the lock. */
export interface LockedEnvironment {
  env: EnvironmentContext;
  version: number;
  state: EnvironmentGovernanceState;
}

export interface ComputedEnvironmentChange {
  locked: LockedEnvironment;
  instructions: EnvironmentInstruction[];
  after: EnvironmentGovernanceState;
  reasons: string[];
  resource: ResourceRef;
  diff: ConfigChange[];
}

export interface EnvironmentWriteResult {
  env: EnvironmentContext | null;
  version: number;
  bypassed: BypassNotice[];
}

export const governanceStateOf = (e: EnvironmentContext): EnvironmentGovernanceState => ({
  name: e.name,
  color: e.color,
  critical: e.critical,
  tags: [...e.tags],
  approvalSettings: e.approvalSettings,
  deleted: false,
});

/**
 * THE write path for what protects an environment (its `critical` flag, its approval settings, its
 * existence), as FlagWriteService is for targeting: instructions computed in core/approval, the
 * approval gate (break-glass included), a governance version, one audit entry. Direct calls (PATCH
 * and DELETE of an environment, PUT of approval settings) and applied change requests of kind
 * `environment` both come here, so "the gate guards itself" is enforced in one place.
 */
@Injectable()
export class EnvironmentGovernanceService {
  constructor(
    private readonly repo: ProjectsRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    private readonly sdkKeys: SdkKeysNotifier,
    private readonly projects: ProjectsService,
    @Inject(BYPASS_LEDGER) private readonly ledger: BypassLedger,
  ) {}

  /** A direct change: each instruction authorized (approval settings by `directSettingsAction`), then gated. */
  async write(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    instructions: unknown[],
    opts: { comment?: string; bypass?: BreakGlass; directSettingsAction?: ActionName } = {},
  ): Promise<EnvironmentWriteResult> {
    const parsed = parseEnvironmentInstructions(instructions);
    this.authorize(actor, project, env, parsed, opts.directSettingsAction);
    const result = await this.repo.transaction(async (tx) => {
      const locked = await this.lock(tx, project, env.key);
      const computed = this.compute(project, locked, parsed);
      this.authorize(actor, project, { ...env, critical: computed.after.critical }, parsed, opts.directSettingsAction);
      return this.applyComputed(tx, actor, project, computed, { comment: opts.comment, bypass: opts.bypass });
    });
    this.ledger.announce(actor, result.bypassed);
    if (!result.env) await this.sdkKeys.changed();
    return result;
  }

  /** Validates and previews without writing (change-request creation). */
  dryRun(actor: Actor, project: ProjectContext, env: EnvironmentContext, instructions: unknown[], authorize: boolean) {
    const parsed = parseEnvironmentInstructions(instructions);
    if (authorize) this.authorize(actor, project, env, parsed);
    const locked: LockedEnvironment = { env, version: env.governanceVersion, state: governanceStateOf(env) };
    return this.compute(project, locked, parsed);
  }

  async lock(tx: Tx, project: ProjectContext, envKey: string): Promise<LockedEnvironment> {
    const env = await this.repo.lockEnvironment(tx, project.id, envKey);
    if (!env) throw notFound('environment', envKey);
    return { env, version: env.governanceVersion, state: governanceStateOf(env) };
  }

  compute(project: ProjectContext, locked: LockedEnvironment, instructions: unknown[]): ComputedEnvironmentChange {
    const parsed = parseEnvironmentInstructions(instructions);
    const after = applyEnvironmentInstructions(locked.state, parsed, project.approvalDefaults);
    if (after.deleted && project.environments.length <= 1)
      throw new DomainError('environment/last', 'a project keeps at least one environment');
    return {
      locked,
      instructions: parsed,
      after,
      reasons: environmentGovernanceReasons(approvalSettingsOf(project, locked.env), locked.state, after),
      resource: environmentResource(project, locked.env),
      diff: diffEnvironment(locked.state, after),
    };
  }

  /** Gate, write, retroactive review for a bypass, audit entry; in the caller's transaction. */
  async applyComputed(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    c: ComputedEnvironmentChange,
    write: { comment?: string; preApproved?: PreApproval; bypass?: BreakGlass },
  ): Promise<EnvironmentWriteResult> {
    const { env, version, state } = c.locked;
    if (!c.diff.length) return { env, version, bypassed: [] };
    const bypasses = enforceApprovalGate(
      this.authz,
      this.metrics,
      actor,
      'environment',
      [{ environmentKey: env.key, resource: c.resource, reasons: c.reasons }],
      (k) => environmentChangeRequestPath(project.key, k),
      write.preApproved,
      write.bypass,
    );
    // The review is opened before a deletion, while its environment row still exists (it is kept, keyed, after).
    const bypassed = await Promise.all(
      bypasses.map((b) =>
        this.ledger.open(tx, actor, {
          kind: 'environment',
          project,
          environment: env,
          resourceKey: env.key,
          instructions: c.instructions,
          previousVersion: version,
          appliedVersion: version + 1,
          reasons: b.reasons,
          bypassReason: b.bypassReason,
          approvalsRequired: approvalSettingsOf(project, env).minApprovals,
        }),
      ),
    );
    const after = c.after.deleted
      ? (await this.repo.deleteEnvironment(tx, env.id), null)
      : await this.repo.updateEnvironmentGovernance(tx, env.id, {
          name: c.after.name,
          color: c.after.color,
          critical: c.after.critical,
          tags: c.after.tags,
          approvalSettings: c.after.approvalSettings,
          governanceVersion: version + 1,
        });
    await this.audit.record(tx, actor, {
      action: auditAction(c.instructions),
      resource: formatResource(c.resource),
      comment: write.comment,
      before: { ...environmentAuditView(env), approvalSettings: state.approvalSettings },
      after: after ? { ...environmentAuditView(after), approvalSettings: after.approvalSettings } : { deleted: true },
      previousVersion: version,
      currentVersion: version + 1,
      links: {
        instructions: c.instructions.map((i) => i.kind),
        ...bypassAuditLinks(bypasses, bypassed),
        ...(write.preApproved?.links ?? {}),
      },
    });
    return { env: after, version: version + 1, bypassed };
  }

  /**
   * Deleting a project removes every environment's protection at once: each environment whose
   * settings require approval gates it (project deletion has no change request: an admin's
   * break-glass opens a retroactive review per gated environment, kept after the deletion).
   */
  async deleteProject(actor: Actor, project: ProjectContext, bypass?: BreakGlass): Promise<BypassNotice[]> {
    const bypasses = enforceApprovalGate(
      this.authz,
      this.metrics,
      actor,
      'project',
      project.environments.map((e) => ({
        environmentKey: e.key,
        resource: environmentResource(project, e),
        reasons: approvalSettingsOf(project, e).required
          ? ['deleting the project that holds an environment whose changes require approval']
          : [],
      })),
      () =>
        `/api/v1/projects/${project.key}/environments/{envKey} (delete the gated environments through change requests first)`,
      undefined,
      bypass,
    );
    const bypassed = await this.repo.transaction(async (tx) => {
      const opened = await Promise.all(
        bypasses.map((b) => {
          const e = project.environments.find((x) => x.key === b.environment)!;
          return this.ledger.open(tx, actor, {
            kind: 'project',
            project,
            environment: e,
            resourceKey: project.key,
            instructions: [{ kind: 'deleteProject' }],
            previousVersion: e.governanceVersion,
            appliedVersion: e.governanceVersion + 1,
            reasons: b.reasons,
            bypassReason: b.bypassReason,
            approvalsRequired: approvalSettingsOf(project, e).minApprovals,
          });
        }),
      );
      await this.projects.removeInTx(
        tx,
        actor,
        project,
        bypasses.length ? bypassAuditLinks(bypasses, opened) : undefined,
      );
      return opened;
    });
    this.ledger.announce(actor, bypassed);
    await this.projects.deleted();
    return bypassed;
  }

  private authorize(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    instructions: EnvironmentInstruction[],
    directSettingsAction?: ActionName,
  ) {
    for (const i of instructions) {
      const action: ActionName =
        directSettingsAction && (i.kind === 'updateApprovalSettings' || i.kind === 'removeApprovalSettings')
          ? directSettingsAction
          : ENVIRONMENT_INSTRUCTION_ACTIONS[i.kind];
      this.authz.assert(actor, action, environmentResource(project, env));
    }
  }
}

function auditAction(instructions: EnvironmentInstruction[]): string {
  const kinds = new Set(instructions.map((i) => i.kind));
  if (kinds.has('deleteEnvironment')) return 'deleteEnvironment';
  if (kinds.size === 1 && (kinds.has('updateApprovalSettings') || kinds.has('removeApprovalSettings')))
    return 'updateApprovalSettings';
  return 'updateEnvironment';
}
