import { Inject, Injectable } from '@nestjs/common';
import type { ResourceRef } from '../../core/policy';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor, type ActorRef } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { approvalSettingsOf, enforceApprovalGate, type ApprovalBypass } from './approval-gate';
import type { BreakGlass } from './break-glass';
import { BYPASS_LEDGER, type BypassLedger, type BypassNotice } from './bypass-ledger';

/** One environment an automation (schedule, release, pipeline run, trigger) will later write a flag in. */
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

/**
 * Creating automation in a gated environment is a standing permission to write there past the
 * approval later (the runner applies it pre-approved), so it is break-glass exactly like a direct
 * write: 403 `approval/required` without bypassRequiredApproval, 428 without a reason, otherwise a
 * retroactive review opened in the creating transaction and announced after commit.
 */
@Injectable()
export class AutomationGate {
  constructor(
    private readonly authz: AuthorizationService,
    private readonly metrics: MetricsService,
    @Inject(BYPASS_LEDGER) private readonly ledger: BypassLedger,
  ) {}

  /** Throws as enforceApprovalGate does; no I/O, so callers run it before their transaction. */
  check(
    actor: Actor,
    targets: AutomationTarget[],
    /** Where a change request could carry this instead; null when none can (break-glass is the only way). */
    changeRequestPath: ((target: AutomationTarget) => string) | null,
    breakGlass?: BreakGlass,
  ): AutomationBypasses {
    const bypassed: AutomationBypasses['bypassed'] = [];
    for (const target of targets) {
      const [bypass] = enforceApprovalGate(
        this.authz,
        this.metrics,
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
  creator(actor: Actor, gate: AutomationBypasses): AutomationCreator {
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
  async open(tx: Tx, actor: Actor, gate: AutomationBypasses): Promise<OpenedAutomationBypasses> {
    const notices: BypassNotice[] = [];
    for (const { target, bypass } of gate.bypassed)
      notices.push(
        await this.ledger.open(tx, actor, {
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
    const links = notices.length
      ? {
          approvalBypassed: gate.bypassed.map(({ bypass }, i) => ({
            ...bypass,
            retroactiveReview: notices[i].reviewId,
          })),
        }
      : {};
    return { notices, links };
  }

  /** After commit: webhook `approval.bypassed` (never fails the creation). */
  announce(actor: Actor, opened: OpenedAutomationBypasses): void {
    this.ledger.announce(actor, opened.notices);
  }
}

/** A creation's response: with `approvalBypassed` (and so the X-Gantry-Approval-Bypassed header) when it went past one. */
export const withBypassNotices = <T extends object>(view: T, opened: OpenedAutomationBypasses) =>
  opened.notices.length ? { ...view, approvalBypassed: opened.notices } : view;
