import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isError, notFound } from '../../core/errors';
import type { FlagDefinition, FlagEnvironmentConfig } from '../../core/model/flag-config';
import { applyFlagInstructions, flagInstructionActions } from '../../core/patch';
import { flagResource, formatResource } from '../../core/policy';
import { MetricsService } from '../../infra/metrics/metrics.service';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { ProjectsService } from '../projects/projects.service';
import type { PatchFlagDto } from './dto/flags.dto';
import { FlagLocksRepository } from './flag-locks.repository';
import { FlagsRepository } from './flags.repository';
import { configsByEnvKey, flagView, withEnvironments, type FlagView } from './models/flag.view';
import { parseIfMatch } from '../../infra/http/if-match';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import { assertPreApproval, PreApproval } from '../write-path/pre-approval';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { BYPASS_LEDGER, bypassAuditLinks, type BypassLedger } from '../write-path/bypass-ledger';
import { ANY_ENV, assertInEveryEnvironment } from './flag-authorization';
import { FlagPatchInputs } from './flag-patch-inputs';
import { FlagWriteGates } from './flag-write-gates';
import { FlagConfigWriter } from './flag-config-writer';
import { guardrailLinks, type GuardrailWarning } from '../guardrails/guardrail-checks';
import type {
  ComputedFlagWrite,
  FlagDryRun,
  FlagWrite,
  LockedFlagState,
  Step,
  WriteReach,
  WriteResult,
} from './flag-write-records';

/**
 * THE write path for flag targeting (DESIGN §1). Every change to a flag, whoever asks for it, is a
 * list of semantic-patch instructions applied here: authorize each instruction, apply with
 * core/patch, then in one transaction write the new versions, their snapshots, one audit entry and
 * an outbox row per changed environment.
 */
@Injectable()
export class FlagWriteService {
  constructor(
    private readonly repo: FlagsRepository,
    private readonly locks: FlagLocksRepository,
    private readonly projects: ProjectsService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
    @Inject(BYPASS_LEDGER) private readonly ledger: BypassLedger,
    private readonly inputs: FlagPatchInputs,
    private readonly gates: FlagWriteGates,
    private readonly configWriter: FlagConfigWriter,
  ) {}

  async patch(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    dto: PatchFlagDto,
    ifMatch?: string,
    bypassHeader?: BreakGlass,
  ): Promise<FlagView> {
    const write: FlagWrite = {
      instructions: dto.instructions,
      comment: dto.comment,
      expectedVersion: parseIfMatch(ifMatch),
      bypass: breakGlassOf(dto.bypass, bypassHeader),
    };
    const inProject = (project: ProjectContext) => {
      const env =
        dto.environmentKey !== undefined ? this.projects.requireEnvironment(project, dto.environmentKey) : undefined;
      return this.write(actor, project, env, flagKey, write);
    };
    const { project, recent } = await this.projects.requireForWrite(actor, projectKey);
    try {
      return await inProject(project);
    } catch (err) {
      // A project read earlier may not know an environment made since, or may be a project deleted
      // and made again under its key (its flags are under the new one): a 404 is answered only from
      // a read of now. The same project at the same revision would answer the same: no second try.
      if (!recent || !isError(err, 'environment/not_found', 'flag/not_found')) throw err;
      const now = await this.projects.require(actor, projectKey);
      if (now.id === project.id && this.projects.readAt(now) === this.projects.readAt(project)) throw err;
      return inProject(now);
    }
  }

  /**
   * Writes pre-approved instructions inside the caller's transaction (which also records why they
   * were approved: a request's status, a schedule's or a release's progress). Other environments a
   * flag-level instruction reaches are still gated.
   */
  applyPreApproved(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    flagKey: string,
    write: FlagWrite & { preApproved: PreApproval },
  ): Promise<WriteResult> {
    assertPreApproval(write.preApproved);
    return this.writeInTx(tx, actor, project, env, flagKey, write, flagInstructionActions(write.instructions));
  }

  /**
   * applyPreApproved in three steps, for a caller that checks the locked flag before writing (a
   * change request's base version): `lock` reads it once under its row lock, `compute` applies
   * the instructions once, `applyComputed` writes that result.
   */
  async lock(tx: Tx, project: ProjectContext, flagKey: string, reach?: WriteReach): Promise<LockedFlagState> {
    // Lock and read in one statement only when the write stays in one environment: a flag-level
    // change must also reach an environment created while it waited (FlagLocksRepository.lockAllShared).
    const oneEnvironment = reach?.env !== undefined && reach.scopes.every((s) => s === 'environment');
    const row = await this.locks.findForUpdate(tx, project.id, flagKey, { readAfterLock: !oneEnvironment });
    if (!row) throw notFound('flag', flagKey);
    return { row, def: row.definition, configs: configsByEnvKey(row), settingsRevision: row.settingsRevision };
  }

  /** The instructions over a flag `lock` read; not authorized for anyone, so for pre-approved writes only. */
  async compute(
    tx: Tx,
    project: ProjectContext,
    env: EnvironmentContext | undefined,
    locked: LockedFlagState,
    instructions: unknown[],
    steps = flagInstructionActions(instructions),
  ): Promise<ComputedFlagWrite> {
    const result = await this.applyInstructions(tx, project, locked.def, locked.configs, env, instructions, steps);
    return { locked, env, steps, instructions, result };
  }

  applyComputed(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    computed: ComputedFlagWrite,
    write: { comment?: string; preApproved: PreApproval },
  ): Promise<WriteResult> {
    assertPreApproval(write.preApproved);
    return this.commit(tx, actor, project, computed, write);
  }

  /**
   * What the instructions would do to the flag in one environment, without writing: the same
   * validation as a write (so a change request never holds instructions that could not apply).
   * Read in `tx` when given (a caller that holds a transaction needs no second connection), but
   * not under the flag's lock.
   */
  async dryRun(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    flagKey: string,
    instructions: unknown[],
    authorize = true,
    tx?: Tx,
  ): Promise<FlagDryRun> {
    const steps = flagInstructionActions(instructions);
    const row = await this.repo.find(project.id, flagKey, tx);
    if (!row) throw notFound('flag', flagKey);
    const def = row.definition;
    if (authorize) this.authorizeSteps(actor, steps, project, env, def);
    const configs = configsByEnvKey(row);
    const result = await this.applyInstructions(tx, project, def, configs, env, instructions, steps);
    return {
      flagId: row.id,
      version: configs[env.key].version,
      before: { flag: def, environment: configs[env.key] },
      after: { flag: result.flag, environment: result.environments[env.key] },
      steps,
      flagChanged: result.flagChanged,
    };
  }

  /**
   * The guardrails over a dry run (change-request creation and edits): 422 on a `block` rule, else
   * the `warn` findings. Only the request's environment is checked for environment rules; applying
   * it goes through commit, which checks every environment it reaches.
   */
  checkGuardrails(project: ProjectContext, env: EnvironmentContext, dry: FlagDryRun): Promise<GuardrailWarning[]> {
    return this.gates.checkDryRun(project, env, dry);
  }

  private async write(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext | undefined,
    flagKey: string,
    write: FlagWrite,
  ): Promise<FlagView> {
    // Validates the instruction list's shape and kinds before any I/O on the flag.
    const steps = flagInstructionActions(write.instructions);
    try {
      const {
        view,
        outcome,
        bypassed,
        project: seen,
      } = await this.repo.transaction((tx) => this.writeInTx(tx, actor, project, env, flagKey, write, steps));
      this.metrics.writes.inc({ kind: 'flag', outcome });
      this.ledger.announce(actor, bypassed);
      const visible = new Set(this.projects.visibleEnvironments(actor, seen).map((e) => e.key));
      const shown = withEnvironments(view, visible);
      return bypassed.length ? { ...shown, approvalBypassed: bypassed } : shown;
    } catch (err) {
      this.metrics.writes.inc({ kind: 'flag', outcome: 'rejected' });
      throw err;
    }
  }

  private async writeInTx(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext | undefined,
    flagKey: string,
    write: FlagWrite,
    steps: Step[],
  ): Promise<WriteResult & { project: ProjectContext }> {
    const locked = await this.lock(tx, project, flagKey, { env, scopes: steps.map((s) => s.scope) });
    ({ project, env } = await this.asLocked(tx, actor, project, env, locked));
    if (!write.preApproved) this.authorizeSteps(actor, steps, project, env, locked.def);
    const current = env ? locked.configs[env.key].version : locked.row.version;
    if (write.expectedVersion !== undefined && write.expectedVersion !== current) {
      throw new DomainError(
        'flag/version_mismatch',
        `If-Match ${write.expectedVersion} does not match the current version ${current}`,
      );
    }
    const computed = await this.compute(tx, project, env, locked, write.instructions, steps);
    return { ...(await this.commit(tx, actor, project, computed, write)), project };
  }

  /** Gate, new versions and snapshots, outbox rows and the audit entry, for a computed change. */
  private async commit(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    { locked, env: computedEnv, steps, instructions, result }: ComputedFlagWrite,
    write: Pick<FlagWrite, 'comment' | 'preApproved' | 'bypass'>,
  ): Promise<WriteResult> {
    const atLock = await this.asLocked(tx, actor, project, computedEnv, locked);
    project = atLock.project;
    const env = atLock.env;
    const { row, def, configs } = locked;
    const current = env ? configs[env.key].version : row.version;
    if (result.flag.archived && !def.archived) await this.refuseIfPrerequisite(tx, project.id, row.key);
    await this.inputs.refuseVanishedSegments(tx, project, locked, result);
    // A flag-level change (variations, name, archive...) changes what every environment serves.
    const changedEnvKeys = result.flagChanged ? Object.keys(configs) : result.changedEnvironments;
    if (!result.flagChanged && changedEnvKeys.length === 0)
      return {
        view: flagView(row.key, def, configs, row.version),
        outcome: 'unchanged',
        version: current,
        bypassed: [],
        warnings: [],
      };

    const { warnings, freezeBypassed, bypasses } = await this.gates.check(
      tx,
      actor,
      project,
      locked,
      result,
      changedEnvKeys,
      write,
    );

    const newFlagVersion = result.flagChanged ? row.version + 1 : row.version;
    if (result.flagChanged) await this.repo.updateDefinition(tx, row.id, result.flag, newFlagVersion);
    const newConfigs = { ...configs };
    const comment = write.comment ?? '';
    for (const envKey of changedEnvKeys) {
      newConfigs[envKey] = { ...result.environments[envKey], version: configs[envKey].version + 1 };
      await this.configWriter.write(tx, actor, project, row, envKey, result.flag, newConfigs[envKey], comment);
    }
    const bypassed = await this.gates.openBypassReviews(tx, actor, project, locked, instructions, bypasses, newConfigs);
    const actions = [...new Set(steps.map((s) => s.action))];
    await this.audit.record(tx, actor, {
      action: actions.length === 1 ? actions[0] : 'updateFlag',
      resource: formatResource(flagResource(project, env ?? ANY_ENV, result.flag)),
      comment: write.comment,
      before: env ? { flag: def, environment: configs[env.key] } : { flag: def },
      after: env ? { flag: result.flag, environment: newConfigs[env.key] } : { flag: result.flag },
      previousVersion: current,
      currentVersion: env ? newConfigs[env.key].version : newFlagVersion,
      links: {
        instructions: steps.map((s) => s.kind),
        environments: changedEnvKeys,
        ...bypassAuditLinks(bypasses, bypassed),
        ...guardrailLinks(warnings),
        ...(freezeBypassed ? { freezeBypassed } : {}),
        ...(write.preApproved?.links ?? {}),
      },
    });
    const view = flagView(row.key, result.flag, newConfigs, newFlagVersion);
    return {
      view: warnings.length ? { ...view, warnings } : view,
      outcome: 'committed',
      version: env ? newConfigs[env.key].version : newFlagVersion,
      bypassed,
      warnings,
    };
  }

  /**
   * The project and environment as of the flag's lock: `project` itself when it was read at the
   * settings revision read under the lock (or by no reader that knows one) and knows every
   * environment the flag has; else the project read again in `tx` (authorized again), with the
   * environment looked up in it. So a write that started from an earlier read of its project
   * (ProjectsService.requireForWrite) is authorized and gated on what its transaction sees, and so
   * is an environment created after `project` was read (a flag-level write reaches it:
   * FlagLocksRepository.lockAllShared).
   */
  private async asLocked(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext | undefined,
    locked: LockedFlagState,
  ): Promise<{ project: ProjectContext; env: EnvironmentContext | undefined }> {
    const readAt = this.projects.readAt(project);
    const known = new Set(project.environments.map((e) => e.key));
    if (
      (readAt === undefined || readAt === locked.settingsRevision) &&
      Object.keys(locked.configs).every((k) => known.has(k))
    )
      return { project, env };
    const current = await this.projects.require(actor, project.key, tx);
    return { project: current, env: env && this.projects.requireEnvironment(current, env.key) };
  }

  /** core/patch over the loaded state, with the project's other flags when prerequisites need them. */
  private async applyInstructions(
    db: Tx | undefined,
    project: ProjectContext,
    def: FlagDefinition,
    configs: Record<string, FlagEnvironmentConfig>,
    env: EnvironmentContext | undefined,
    instructions: unknown[],
    steps: Step[],
  ) {
    const ctx = await this.inputs.patchContext(project, steps, db);
    return applyFlagInstructions({ flag: def, environments: configs }, instructions, {
      ...ctx,
      environmentKey: env?.key,
    });
  }

  /** Each instruction's action, on the environment it changes (every environment for flag-level ones). */
  private authorizeSteps(
    actor: Actor,
    steps: Step[],
    project: ProjectContext,
    env: EnvironmentContext | undefined,
    def: FlagDefinition,
  ) {
    for (const s of steps) {
      if (s.scope === 'environment' && env) this.authz.assert(actor, s.action, flagResource(project, env, def));
      else assertInEveryEnvironment(this.authz, actor, s.action, project, def);
    }
  }

  private async refuseIfPrerequisite(tx: Tx, projectId: string, flagKey: string) {
    const dependents = await this.repo.dependents(tx, projectId, flagKey);
    if (dependents.length)
      throw new DomainError(
        'flag/has_dependents',
        `flag '${flagKey}' is a prerequisite of ${dependents.join(', ')}; remove those prerequisites first`,
      );
  }
}
