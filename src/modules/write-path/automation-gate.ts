import { Inject, Injectable } from '@nestjs/common';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import {
  automationCreator,
  checkAutomation,
  openAutomationBypasses,
  type AutomationBypasses,
  type AutomationCreator,
  type AutomationTarget,
  type OpenedAutomationBypasses,
} from './automation-bypass';
import type { BreakGlass } from './break-glass';
import { BYPASS_LEDGER, type BypassLedger } from './bypass-ledger';

export { withBypassNotices, type AutomationBypasses, type AutomationTarget } from './automation-bypass';

/**
 * Creating automation in a gated environment is a standing permission to write there past the
 * approval later (the runner applies it pre-approved), so it is break-glass exactly like a direct
 * write: 403 `approval/required` without bypassRequiredApproval, 428 without a reason, otherwise a
 * retroactive review opened in the creating transaction and announced after commit. Used by
 * schedules, releases, pipeline runs and triggers (see automation-bypass.ts for the logic).
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
    changeRequestPath: ((target: AutomationTarget) => string) | null,
    breakGlass?: BreakGlass,
  ): AutomationBypasses {
    return checkAutomation(this.authz, this.metrics, actor, targets, changeRequestPath, breakGlass);
  }

  creator(actor: Actor, gate: AutomationBypasses): AutomationCreator {
    return automationCreator(actor, gate);
  }

  /** In the creating transaction. */
  open(tx: Tx, actor: Actor, gate: AutomationBypasses): Promise<OpenedAutomationBypasses> {
    return openAutomationBypasses(this.ledger, tx, actor, gate);
  }

  /** After commit: webhook `approval.bypassed` (never fails the creation). */
  announce(actor: Actor, opened: OpenedAutomationBypasses): void {
    this.ledger.announce(actor, opened.notices);
  }
}
