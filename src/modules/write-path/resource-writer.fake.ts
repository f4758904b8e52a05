import type { ConfigChange, InstructionConflict } from '../../core/approval';
import { notFound } from '../../core/errors';
import { PatchError } from '../../core/patch/patch-error';
import { environmentResource, type ResourceRef } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { assertPreApproval, type PreApproval } from './pre-approval';
import type {
  PreApprovedWrite,
  ResourceChange,
  ResourceDryRun,
  ResourceKind,
  ResourceState,
  ResourceWriter,
} from './resource-writer';

/** A fake resource: named fields and their values. */
export type FakeState = Readonly<Record<string, unknown>>;

/**
 * The one instruction the fake understands, whatever its kind: `field` becomes `value`. A field
 * named `missing` fails as a rule deleted underneath would (404 from the write path).
 */
export interface FakeInstruction {
  kind: string;
  field: string;
  value?: unknown;
}

/** What the write path would have been asked to write. */
export interface FakeWrite {
  key: string;
  actor: Actor;
  environmentKey: string;
  after: FakeState;
  comment: string;
  preApproved: PreApproval;
}

/**
 * A ResourceWriter over memory, for unit specs of code that writes through the contract (change
 * requests, automation): every version of every resource is kept, each call is counted, and the
 * writes are recorded with the PreApproval they carried. Approval reasons come from `reasonsFor`.
 */
export class FakeResourceWriter implements ResourceWriter<FakeState> {
  /** Every version of each resource, oldest first; null for a snapshot no longer kept. */
  readonly versions = new Map<string, (FakeState | null)[]>();
  readonly calls = { current: 0, dryRun: 0, lock: 0, compute: 0, conflicts: 0 };
  readonly writes: FakeWrite[] = [];

  constructor(
    readonly kind: ResourceKind,
    private readonly reasonsFor: (before: FakeState, after: FakeState) => string[] = (b, a) =>
      changedFields(b, a).length ? ['changes need approval here'] : [],
  ) {}

  /** Version 1 of a resource (versions count from 1, as in the write path). */
  seed(key: string, state: FakeState): this {
    this.versions.set(key, [state]);
    return this;
  }

  /** Someone else's write since, e.g. a direct PATCH. */
  change(key: string, fields: FakeState): void {
    this.require(key).push({ ...this.latest(key).state, ...fields });
  }

  /** Drops the snapshot of a past version, as history retention would. */
  forget(key: string, version: number): void {
    this.require(key)[version - 1] = null;
  }

  async resourceRef(project: ProjectContext, env: EnvironmentContext, key: string): Promise<ResourceRef> {
    return [...environmentResource(project, env), { type: this.kind, key, tags: [] }];
  }

  async current(_project: ProjectContext, _env: EnvironmentContext, key: string): Promise<ResourceState<FakeState>> {
    this.calls.current++;
    return this.latest(key);
  }

  async atVersion(_project: ProjectContext, _env: EnvironmentContext, key: string, version: number) {
    return this.versions.get(key)?.[version - 1] ?? null;
  }

  async dryRun(
    _actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    key: string,
    instructions: unknown[],
  ): Promise<ResourceDryRun<FakeState>> {
    this.calls.dryRun++;
    const change = this.changeOf(project, env, key, this.latest(key), instructions);
    return { ...change, diff: this.diff(change.before, change.after), warnings: [] };
  }

  async conflicts(
    _project: ProjectContext,
    _env: EnvironmentContext,
    base: FakeState,
    current: FakeState,
    instructions: unknown[],
  ): Promise<InstructionConflict[]> {
    this.calls.conflicts++;
    const moved = changedFields(base, current);
    return (instructions as FakeInstruction[]).flatMap((i, index) =>
      moved.includes(i.field) ? [{ index, kind: i.kind, reason: `'${i.field}' changed since the base version` }] : [],
    );
  }

  diff(before: FakeState, after: FakeState): ConfigChange[] {
    return changedFields(before, after).map((path) => ({
      path,
      before: before[path],
      after: after[path],
      summary: `${path} changed`,
    }));
  }

  stage(): string[] {
    return [];
  }

  async lock(_tx: Tx, _project: ProjectContext, _env: EnvironmentContext, key: string): Promise<FakeLock> {
    this.calls.lock++;
    return { ...this.latest(key), key };
  }

  async compute(
    _tx: Tx,
    project: ProjectContext,
    env: EnvironmentContext,
    locked: FakeLock,
    instructions: unknown[],
  ): Promise<FakeChange> {
    this.calls.compute++;
    return { ...this.changeOf(project, env, locked.key, locked, instructions), key: locked.key };
  }

  async applyComputed(
    _tx: Tx,
    actor: Actor,
    _project: ProjectContext,
    env: EnvironmentContext,
    computed: FakeChange,
    write: { comment: string; preApproved: PreApproval },
  ): Promise<{ version: number }> {
    assertPreApproval(write.preApproved);
    const history = this.require(computed.key);
    history.push(computed.after);
    this.writes.push({ key: computed.key, actor, environmentKey: env.key, after: computed.after, ...write });
    return { version: history.length };
  }

  async applyPreApproved(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    key: string,
    write: PreApprovedWrite,
  ): Promise<{ version: number }> {
    const locked = await this.lock(tx, project, env, key);
    const computed = await this.compute(tx, project, env, locked, write.instructions);
    return this.applyComputed(tx, actor, project, env, computed, {
      comment: write.comment ?? '',
      preApproved: write.preApproved,
    });
  }

  private changeOf(
    project: ProjectContext,
    env: EnvironmentContext,
    key: string,
    { version, state }: ResourceState<FakeState>,
    instructions: unknown[],
  ): ResourceChange<FakeState> {
    let after = state;
    for (const i of instructions as FakeInstruction[]) {
      if (i.field === 'missing') throw new PatchError([{ field: i.field, reason: 'no such field' }]);
      after = { ...after, [i.field]: i.value };
    }
    const resource: ResourceRef = [...environmentResource(project, env), { type: this.kind, key, tags: [] }];
    return { version, resource, before: state, after, reasons: this.reasonsFor(state, after) };
  }

  private latest(key: string): ResourceState<FakeState> {
    const history = this.versions.get(key);
    if (!history) throw notFound(this.kind, key);
    return { version: history.length, state: history[history.length - 1]! };
  }

  private require(key: string): (FakeState | null)[] {
    const history = this.versions.get(key);
    if (!history) throw notFound(this.kind, key);
    return history;
  }
}

interface FakeLock extends ResourceState<FakeState> {
  key: string;
}

interface FakeChange extends ResourceChange<FakeState> {
  key: string;
}

const changedFields = (a: FakeState, b: FakeState) =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).sort();
