import type { ResourceRef } from '../../core/policy';
import type { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import type { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor, type ActorRef } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { approvalSettingsOf, enforceApprovalGate, type ApprovalBypass } from './approval-gate';
import type { BreakGlass } from './break-glass';
import { bypassAuditLinks, type BypassLedger, type BypassNotice } from './bypass-ledger';

/**
 * The approval gate of creating automation (schedule, release, pipeline run, trigger), as plain
 * functions (Nest-free, so unit specs load them); AutomationGate is the injectable the services use.
 */

/** One environment an automation will later write a flag in. */
export interface AutomationTarget {
  project: ProjectContext;
  env: EnvironmentContext;
  flagKey: string;
  /** The flag as policies see it there. */
  resource: ResourceRef;
  /** Why the environment's settings require approval for what the automation will do (empty: not gated). */
  reasons: string[];
  /** What the automation will apply there, as instructions. */
  instructions: unknown[];
  /** The flag environment's configuration version now. */
  version: number;
}

/** The gate's verdict, before anything is written: the targets whose approval is bypassed, each with its bypass. */
export interface AutomationBypasses {
  bypassed: { target: AutomationTarget; bypass: ApprovalBypass }[];
}

/** What the creation records once the retroactive reviews are open (in its transaction). */
export interface OpenedAutomationBypasses {
  notices: BypassNotice[];
  /** The creation audit entry's links: `approvalBypassed`, when anything was bypassed. */
  links: Record<string, unknown>;
}

/** The creator record of an automation: who, whether it went past a required approval, and why. */
export type AutomationCreator = ActorRef & { bypass: boolean; bypassReason?: string };

/** enforceApprovalGate over each target (kind 'flag'): 403 / 428 as for a direct write. No I/O. */
export function checkAutomation(
  authz: Pick<AuthorizationService, 'can'>,
  metrics: Pick<MetricsService, 'approvalGate'>,
  actor: Actor,
  targets: AutomationTarget[],
  /** Where a change request could carry this instead; null when none can (break-glass is the only way). */
  changeRequestPath: ((target: AutomationTarget) => string) | null,
  breakGlass?: BreakGlass,
): AutomationBypasses {
  const bypassed: AutomationBypasses['bypassed'] = [];
  for (const target of targets) {
    const [bypass] = enforceApprovalGate(
      authz,
      metrics,
      actor,
      'flag',
      [{ environmentKey: target.env.key, resource: target.resource, reasons: target.reasons }],
      changeRequestPath && (() => changeRequestPath(target)),
      undefined,
      breakGlass,
    );
    if (bypass) bypassed.push({ target, bypass });
  }
  return { bypassed };
}

/** The creator record: `bypass` (the runner's pre-approval) only when a required approval was bypassed. */
export function automationCreator(actor: Actor, gate: AutomationBypasses): AutomationCreator {
  const reason = gate.bypassed[0]?.bypass.bypassReason;
  return {
    ...actorRef(actor),
    bypass: reason !== undefined,
    ...(reason !== undefined ? { bypassReason: reason } : {}),
  };
}

/**
 * One retroactive review per bypassed environment, in the creating transaction (the automation and
 * its reviews commit together or not at all). Nothing is applied yet, so previousVersion and
 * appliedVersion are both the version the automation was checked against; the instructions are
 * what it will apply, for reviewers to judge before it runs.
 */
export async function openAutomationBypasses(
  ledger: BypassLedger,
  tx: Tx,
  actor: Actor,
  gate: AutomationBypasses,
): Promise<OpenedAutomationBypasses> {
  const notices: BypassNotice[] = [];
  for (const { target, bypass } of gate.bypassed)
    notices.push(
      await ledger.open(tx, actor, {
        kind: 'flag',
        project: target.project,
        environment: target.env,
        resourceKey: target.flagKey,
        instructions: target.instructions,
        previousVersion: target.version,
        appliedVersion: target.version,
        reasons: bypass.reasons,
        bypassReason: bypass.bypassReason,
        approvalsRequired: approvalSettingsOf(target.project, target.env).minApprovals,
      }),
    );
  const links = bypassAuditLinks(
    gate.bypassed.map(({ bypass }) => bypass),
    notices,
  );
  return { notices, links };
}

/** A creation's response: with `approvalBypassed` (and so the X-Gantry-Approval-Bypassed header) when it went past one. */
export const withBypassNotices = <T extends object>(view: T, opened: OpenedAutomationBypasses) =>
  opened.notices.length ? { ...view, approvalBypassed: opened.notices } : view;
