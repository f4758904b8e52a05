import { Injectable } from '@nestjs/common';
import { diffEnvironment, type EnvironmentGovernanceState } from '../../core/approval';
import { environmentResource } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import {
  EnvironmentGovernanceService,
  governanceStateOf,
  type ComputedEnvironmentChange,
} from '../environments/environment-governance.service';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { PreApproval } from '../write-path/pre-approval';
import type {
  PreApprovedWrite,
  ResourceChange,
  ResourceDryRun,
  ResourceState,
  ResourceWriter,
} from '../write-path/resource-writer';

/**
 * Change requests of kind `environment` (its `critical` flag, approval settings, deletion), behind
 * the same ResourceWriter contract as flags and segments, over EnvironmentGovernanceService. The
 * resource key is the environment key; versions are the environment's governance version. Past
 * versions are not kept, so a request whose base moved is a conflict to rebase.
 */
@Injectable()
export class EnvironmentResourceWriter implements ResourceWriter<EnvironmentGovernanceState> {
  readonly kind = 'environment' as const;
  /** What compute produced, for applyComputed to write without computing again. */
  private readonly computed = new WeakMap<ResourceChange<EnvironmentGovernanceState>, ComputedEnvironmentChange>();

  constructor(private readonly governance: EnvironmentGovernanceService) {}

  resourceRef(project: ProjectContext, env: EnvironmentContext) {
    return Promise.resolve(environmentResource(project, env));
  }

  current(_project: ProjectContext, env: EnvironmentContext): Promise<ResourceState<EnvironmentGovernanceState>> {
    return Promise.resolve({ version: env.governanceVersion, state: governanceStateOf(env) });
  }

  atVersion(_project: ProjectContext, env: EnvironmentContext, _key: string, version: number) {
    return Promise.resolve(version === env.governanceVersion ? governanceStateOf(env) : null);
  }

  dryRun(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    _key: string,
    instructions: unknown[],
    opts: { authorize: boolean },
  ): Promise<ResourceDryRun<EnvironmentGovernanceState>> {
    const c = this.governance.dryRun(actor, project, env, instructions, opts.authorize);
    return Promise.resolve({ ...this.change(c), diff: c.diff, warnings: [] });
  }

  conflicts() {
    return Promise.resolve([]);
  }

  diff(before: EnvironmentGovernanceState, after: EnvironmentGovernanceState) {
    return diffEnvironment(before, after);
  }

  stage(): string[] {
    return [];
  }

  async lock(tx: Tx, project: ProjectContext, env: EnvironmentContext) {
    const locked = await this.governance.lock(tx, project, env.key);
    return { version: locked.version, state: locked.state };
  }

  async compute(
    tx: Tx,
    project: ProjectContext,
    env: EnvironmentContext,
    _locked: ResourceState<EnvironmentGovernanceState>,
    instructions: unknown[],
  ): Promise<ResourceChange<EnvironmentGovernanceState>> {
    // The lock is held by this transaction: reading the row again under it sees what `lock` saw.
    const c = this.governance.compute(project, await this.governance.lock(tx, project, env.key), instructions);
    const change = this.change(c);
    this.computed.set(change, c);
    return change;
  }

  async applyComputed(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    _env: EnvironmentContext,
    change: ResourceChange<EnvironmentGovernanceState>,
    write: { comment: string; preApproved: PreApproval },
  ) {
    const c = this.computed.get(change);
    if (!c) throw new Error('applyComputed takes a change computed by this writer');
    const { version } = await this.governance.applyComputed(tx, actor, project, c, write);
    return { version };
  }

  async applyPreApproved(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    _key: string,
    write: PreApprovedWrite,
  ) {
    const locked = await this.lock(tx, project, env);
    const change = await this.compute(tx, project, env, locked, write.instructions);
    return this.applyComputed(tx, actor, project, env, change, {
      comment: write.comment ?? '',
      preApproved: write.preApproved,
    });
  }

  private change(c: ComputedEnvironmentChange): ResourceChange<EnvironmentGovernanceState> {
    return {
      version: c.locked.version,
      resource: c.resource,
      before: c.locked.state,
      after: c.after,
      reasons: c.reasons,
    };
  }
}
