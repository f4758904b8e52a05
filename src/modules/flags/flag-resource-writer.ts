import { Injectable } from '@nestjs/common';
import {
  diffFlag,
  findFlagConflicts,
  flagApprovalReasons,
  type ConfigChange,
  type FlagState,
  type InstructionConflict,
} from '../../core/approval';
import { notFound } from '../../core/errors';
import type { FlagStore, SdkFlag } from '../../core/evaluation';
import { toSdkFlag } from '../../core/model/sdk-shape';
import { flagResource, type ResourceRef } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { approvalSettingsOf } from '../write-path/approval-gate';
import type { PreApproval } from '../write-path/pre-approval';
import type {
  PreApprovedWrite,
  ResourceChange,
  ResourceDryRun,
  ResourceState,
  ResourceWriter,
} from '../write-path/resource-writer';
import { FlagPatchInputs } from './flag-patch-inputs';
import type { ComputedFlagWrite, LockedFlagState } from './flag-write-records';
import { FlagWriteService } from './flag-write.service';
import { FlagsRepository } from './flags.repository';

interface FlagLock extends ResourceState<FlagState> {
  locked: LockedFlagState;
}

interface FlagChange extends ResourceChange<FlagState> {
  computed: ComputedFlagWrite;
}

const kindsOf = (instructions: unknown[]) =>
  instructions.map((i) => ({ kind: String((i as { kind?: unknown })?.kind) }));

/** A flag in one environment as a ResourceWriter: FlagWriteService's validation, gate and write, FlagsRepository's reads. */
@Injectable()
export class FlagResourceWriter implements ResourceWriter<FlagState> {
  readonly kind = 'flag';

  constructor(
    private readonly writes: FlagWriteService,
    private readonly repo: FlagsRepository,
    private readonly inputs: FlagPatchInputs,
  ) {}

  async resourceRef(project: ProjectContext, env: EnvironmentContext, key: string): Promise<ResourceRef> {
    return flagResource(project, env, { key, tags: await this.repo.tags(project.id, key) });
  }

  async current(project: ProjectContext, env: EnvironmentContext, key: string): Promise<ResourceState<FlagState>> {
    const state = await this.repo.findState(project.id, env.id, key);
    if (!state) throw notFound('flag', key);
    return { version: state.environment.version, state };
  }

  atVersion(project: ProjectContext, env: EnvironmentContext, key: string, version: number, tx?: Tx) {
    return this.repo.findStateAt(project.id, env.id, key, version, tx);
  }

  async dryRun(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    key: string,
    instructions: unknown[],
    { authorize, guardrails }: { authorize: boolean; guardrails?: boolean },
  ): Promise<ResourceDryRun<FlagState>> {
    const d = await this.writes.dryRun(actor, project, env, key, instructions, authorize);
    const warnings = guardrails ? await this.writes.checkGuardrails(project, env, d) : [];
    return { ...this.change(project, env, d.version, d.before, d.after), diff: diffFlag(d.before, d.after), warnings };
  }

  async conflicts(
    project: ProjectContext,
    env: EnvironmentContext,
    base: FlagState,
    current: FlagState,
    instructions: unknown[],
    tx?: Tx,
  ): Promise<InstructionConflict[]> {
    const ctx = await this.inputs.patchContext(project, kindsOf(instructions), tx);
    return findFlagConflicts({ base, current, environmentKey: env.key, instructions, ctx });
  }

  diff(before: FlagState, after: FlagState): ConfigChange[] {
    return diffFlag(before, after);
  }

  stage(store: FlagStore, { after }: ResourceChange<FlagState>): string[] {
    const next = { ...after.environment, version: after.environment.version + 1 };
    store.upsertFlag(toSdkFlag(after.flag, next) as SdkFlag);
    return [after.flag.key];
  }

  async lock(tx: Tx, project: ProjectContext, env: EnvironmentContext, key: string): Promise<FlagLock> {
    const locked = await this.writes.lock(tx, project, key);
    const environment = locked.configs[env.key];
    return { version: environment.version, state: { flag: locked.def, environment }, locked };
  }

  async compute(
    tx: Tx,
    project: ProjectContext,
    env: EnvironmentContext,
    { version, state, locked }: FlagLock,
    instructions: unknown[],
  ): Promise<FlagChange> {
    const computed = await this.writes.compute(tx, project, env, locked, instructions);
    const after = { flag: computed.result.flag, environment: computed.result.environments[env.key] };
    return { ...this.change(project, env, version, state, after), computed };
  }

  async applyComputed(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    _env: EnvironmentContext,
    { computed }: FlagChange,
    write: { comment: string; preApproved: PreApproval },
  ): Promise<{ version: number }> {
    return { version: (await this.writes.applyComputed(tx, actor, project, computed, write)).version };
  }

  async applyPreApproved(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    key: string,
    write: PreApprovedWrite,
  ): Promise<{ version: number }> {
    return { version: (await this.writes.applyPreApproved(tx, actor, project, env, key, write)).version };
  }

  private change(
    project: ProjectContext,
    env: EnvironmentContext,
    version: number,
    before: FlagState,
    after: FlagState,
  ): ResourceChange<FlagState> {
    return {
      version,
      resource: flagResource(project, env, before.flag),
      before,
      after,
      reasons: flagApprovalReasons(approvalSettingsOf(project, env), before, after),
    };
  }
}
