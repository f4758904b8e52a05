import { effectiveApprovalSettings, type ApprovalSettings } from '../../core/approval';
import { DomainError } from '../../core/errors';
import type { ResourceRef } from '../../core/policy';
import type { MetricsService } from '../../infra/metrics/metrics.service';
import type { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { PreApproval } from './pre-approval';
import type { BreakGlass } from './break-glass';
import type { ResourceKind } from './resource-writer';

/** Governance resources gated like targeting (environment settings, approval settings, freezes, guardrails, projects). */
export type GovernedKind = 'environment' | 'approval-settings' | 'project' | 'freeze' | 'guardrail';

/** The settings in force in an environment (its own, else the project's defaults, else the built-in). */
export const approvalSettingsOf = (
  project: Pick<ProjectContext, 'approvalDefaults'>,
  env: Pick<EnvironmentContext, 'approvalSettings' | 'critical'>,
): ApprovalSettings => effectiveApprovalSettings(env.approvalSettings, project.approvalDefaults, env.critical);

export interface GatedChange {
  environmentKey: string;
  resource: ResourceRef;
  reasons: string[];
}

export interface ApprovalBypass {
  environment: string;
  reasons: string[];
  /** The actor's break-glass reason. */
  bypassReason: string;
}

/**
 * The approval gate of direct writes: a change that needs approval in an environment is refused
 * (403 `approval/required`, pointing at the change-request endpoint) unless the actor may bypass
 * there AND asks to, with a reason (break-glass; 428 `approval/bypass_reason_required` without
 * one, so holding the right is never a silent bypass). The environment a pre-approval names was
 * approved already and is not gated again; every other one is. Returns the bypasses so the write
 * records them (audit entry, response signal, retroactive review).
 */
export function enforceApprovalGate(
  authz: Pick<AuthorizationService, 'can'>,
  metrics: Pick<MetricsService, 'approvalGate'>,
  actor: Actor,
  kind: ResourceKind | GovernedKind,
  changes: GatedChange[],
  /** Where a change request for this change is opened; null when no change-request kind can carry it (break-glass only). */
  changeRequestPath: ((envKey: string) => string) | null,
  preApproved?: PreApproval,
  breakGlass?: BreakGlass,
): ApprovalBypass[] {
  const bypasses: ApprovalBypass[] = [];
  for (const c of changes) {
    if (!c.reasons.length || c.environmentKey === preApproved?.environmentKey) continue;
    if (!authz.can(actor, 'bypassRequiredApproval', c.resource)) {
      metrics.approvalGate.inc({ kind, outcome: 'required' });
      throw new DomainError(
        'approval/required',
        changeRequestPath
          ? `environment '${c.environmentKey}' requires an approved change request for this change ` +
              `(${c.reasons.join('; ')}); open one with POST ${changeRequestPath(c.environmentKey)}`
          : `environment '${c.environmentKey}' requires approval for this change (${c.reasons.join('; ')}) ` +
              `and no change request can carry it yet: someone allowed to bypass approval there must make it, ` +
              `with a break-glass reason (a retroactive review is opened)`,
        c.reasons.map((reason) => ({ field: `environments.${c.environmentKey}`, reason })),
      );
    }
    const reason = breakGlass?.reason.trim();
    if (!reason) {
      metrics.approvalGate.inc({ kind, outcome: 'reason_required' });
      throw new DomainError(
        'approval/bypass_reason_required',
        `environment '${c.environmentKey}' requires approval for this change (${c.reasons.join('; ')}); ` +
          `you may bypass it, but only with a reason: send "bypass": {"reason": "..."} in the body or the ` +
          `X-Gantry-Bypass-Reason header (a retroactive review is opened)` +
          (changeRequestPath ? `, or open a change request with POST ${changeRequestPath(c.environmentKey)}` : ''),
      );
    }
    metrics.approvalGate.inc({ kind, outcome: 'bypassed' });
    bypasses.push({ environment: c.environmentKey, reasons: c.reasons, bypassReason: reason });
  }
  return bypasses;
}
