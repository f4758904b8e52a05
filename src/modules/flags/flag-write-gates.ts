import { Inject, Injectable } from '@nestjs/common';
import { flagApprovalReasons } from '../../core/approval';
import type { FlagEnvironmentConfig } from '../../core/model/flag-config';
import type { FlagPatchResult } from '../../core/patch';
import { flagResource } from '../../core/policy';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { FreezeGate, type FreezeBypass } from '../freezes/freeze-gate';
import { GuardrailChecks, type GuardrailWarning } from '../guardrails/guardrail-checks';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { approvalSettingsOf, enforceApprovalGate, type ApprovalBypass } from '../write-path/approval-gate';
import { BYPASS_LEDGER, type BypassLedger, type BypassNotice } from '../write-path/bypass-ledger';
import { flagChangeRequestPath } from './flag-paths';
import type { FlagDryRun, FlagWrite, LockedFlagState } from './flag-write-records';

/** What a flag change that passed its gates carries into its audit entry and answer. */
export interface PassedFlagGates {
  /** Guardrail `warn` findings. */
  warnings: GuardrailWarning[];
  /** The active freeze a break-glass write went past, if any. */
  freezeBypassed: FreezeBypass | undefined;
  /** The approvals a break-glass write went past, one per environment. */
  bypasses: ApprovalBypass[];
}

/**
 * The gates of FlagWriteService's commit, in its transaction: guardrails, freezes and approvals
 * before anything is written, and the retroactive reviews of break-glass bypasses once it is.
 */
@Injectable()
export class FlagWriteGates {
  constructor(
    private readonly authz: AuthorizationService,
    private readonly metrics: MetricsService,
    @Inject(BYPASS_LEDGER) private readonly ledger: BypassLedger,
    private readonly guardrails: GuardrailChecks,
    private readonly freezes: FreezeGate,
  ) {}

  /** The guardrails over a dry run, in its one environment (FlagWriteService.checkGuardrails). */
  checkDryRun(project: ProjectContext, env: EnvironmentContext, dry: FlagDryRun): Promise<GuardrailWarning[]> {
    return this.guardrails.flagChange(undefined, project.id, {
      before: dry.before.flag,
      after: dry.after.flag,
      flagChanged: dry.flagChanged,
      environments: [{ key: env.key, before: dry.before.environment, after: dry.after.environment }],
    });
  }

  /** Throws for a change a gate refuses; else what the write records of the gates it passed. */
  async check(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    { row, def, configs, settingsRevision }: LockedFlagState,
    result: FlagPatchResult,
    changedEnvKeys: string[],
    write: Pick<FlagWrite, 'preApproved' | 'bypass'>,
  ): Promise<PassedFlagGates> {
    // Content rules before approvals: a change no policy allows is refused to everyone, pre-approved,
    // automated or break-glass alike (a request for it could never apply either).
    const warnings = await this.guardrails.flagChange(
      tx,
      project.id,
      {
        before: def,
        after: result.flag,
        flagChanged: result.flagChanged,
        environments: changedEnvKeys.map((k) => ({ key: k, before: configs[k], after: result.environments[k] })),
      },
      settingsRevision,
    );

    const envOf = (k: string) => project.environments.find((x) => x.key === k)!;
    // Not even pre-approved writes pass an active freeze; break-glass (a reason + bypassRequiredApproval) does.
    const freezeBypassed = await this.freezes.enforce(
      tx,
      actor,
      { id: project.id, settingsRevision },
      changedEnvKeys,
      (k) => flagResource(project, envOf(k), def),
      write.bypass,
    );
    const bypasses = enforceApprovalGate(
      this.authz,
      this.metrics,
      actor,
      'flag',
      changedEnvKeys.map((k) => {
        const e = envOf(k);
        const reasons = flagApprovalReasons(
          approvalSettingsOf(project, e),
          { flag: def, environment: configs[k] },
          { flag: result.flag, environment: result.environments[k] },
        );
        return { environmentKey: k, resource: flagResource(project, e, def), reasons };
      }),
      (k) => flagChangeRequestPath(project.key, row.key, k),
      write.preApproved,
      write.bypass,
    );
    return { warnings, freezeBypassed, bypasses };
  }

  /** A retroactive review per approval bypass, opened one after another once the change is written. */
  async openBypassReviews(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    { row, configs }: LockedFlagState,
    instructions: unknown[],
    bypasses: ApprovalBypass[],
    newConfigs: Record<string, FlagEnvironmentConfig>,
  ): Promise<BypassNotice[]> {
    const bypassed: BypassNotice[] = [];
    for (const b of bypasses) {
      const e = project.environments.find((x) => x.key === b.environment)!;
      bypassed.push(
        await this.ledger.open(tx, actor, {
          kind: 'flag',
          project,
          environment: e,
          resourceKey: row.key,
          instructions,
          previousVersion: configs[e.key].version,
          appliedVersion: newConfigs[e.key].version,
          reasons: b.reasons,
          bypassReason: b.bypassReason,
          approvalsRequired: approvalSettingsOf(project, e).minApprovals,
        }),
      );
    }
    return bypassed;
  }
}
