import type { Provider } from '@nestjs/common';
import type { ConfigChange, InstructionConflict } from '../../core/approval';
import type { FlagStore } from '../../core/evaluation';
import type { ResourceRef } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { PreApproval } from './pre-approval';

/** What a change request (or anything else written through the one write path) can target. */
export const RESOURCE_KINDS = ['flag', 'segment', 'environment'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** A resource's configuration in one environment and its version there. */
export interface ResourceState<S = unknown> {
  version: number;
  state: S;
}

/** What instructions do to a resource in one environment, computed over the configuration at `version`. */
export interface ResourceChange<S = unknown> {
  version: number;
  /** The policy resource, with the tags the resource had before the change. */
  resource: ResourceRef;
  before: S;
  after: S;
  /** Why the environment's settings require approval for this change (empty: they do not). */
  reasons: string[];
}

export interface ResourceDryRun<S = unknown> extends ResourceChange<S> {
  diff: ConfigChange[];
  /** Guardrail `warn` findings, when the dry run was asked to check guardrails (else empty). */
  warnings: { policy: string; rule: string; message: string; environment?: string }[];
}

export interface PreApprovedWrite {
  instructions: unknown[];
  comment?: string;
  expectedVersion?: number;
  preApproved: PreApproval;
}

/**
 * One kind of resource behind the one write path, so code that works on "a flag or a segment"
 * (change requests, automation) is written once and never switches on the kind. Implemented by
 * FlagResourceWriter and SegmentResourceWriter over their write services, which keep validation,
 * the approval gate, versions, audit and outbox exactly as for a direct write.
 *
 * `lock` → `compute` → `applyComputed` is the pre-approved write split in three, for callers that
 * check the locked state before writing (a change request's base version): one read, one
 * computation. A lock or a computation goes back only to the writer that made it.
 */
export interface ResourceWriter<S = unknown> {
  readonly kind: ResourceKind;

  /** The policy resource with the resource's current tags (authorization before anything is locked). */
  resourceRef(project: ProjectContext, env: EnvironmentContext, key: string): Promise<ResourceRef>;

  /** The configuration now (not locked); `<kind>/not_found` when there is none. */
  current(project: ProjectContext, env: EnvironmentContext, key: string): Promise<ResourceState<S>>;

  /** The configuration at a past version, from the version snapshots; null when no longer kept. `tx`: read in it. */
  atVersion(project: ProjectContext, env: EnvironmentContext, key: string, version: number, tx?: Tx): Promise<S | null>;

  /**
   * Validates the instructions against the current configuration, as a write would, without
   * writing; with `guardrails`, also the guardrail policies (422 on a block rule, warnings returned).
   */
  dryRun(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    key: string,
    instructions: unknown[],
    opts: { authorize: boolean; guardrails?: boolean },
  ): Promise<ResourceDryRun<S>>;

  /** Each instruction that no longer fits `current`: it fails there, or its part changed since `base`. `tx`: read in it. */
  conflicts(
    project: ProjectContext,
    env: EnvironmentContext,
    base: S,
    current: S,
    instructions: unknown[],
    tx?: Tx,
  ): Promise<InstructionConflict[]>;

  /** Human-readable changes from one configuration to another. */
  diff(before: S, after: S): ConfigChange[];

  /** Puts a change's result, as the next version, into an evaluation store; returns the flag keys it is (none for a segment). */
  stage(store: FlagStore, change: ResourceChange<S>): string[];

  /** Locks the resource in the caller's transaction (until it ends) and reads it. */
  lock(tx: Tx, project: ProjectContext, env: EnvironmentContext, key: string): Promise<ResourceState<S>>;

  /** The instructions over the locked state, validated as a write is; not authorized for anyone (pre-approved only). */
  compute(
    tx: Tx,
    project: ProjectContext,
    env: EnvironmentContext,
    locked: ResourceState<S>,
    instructions: unknown[],
  ): Promise<ResourceChange<S>>;

  /** Writes exactly what `compute` computed; other environments a change reaches are still gated. */
  applyComputed(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    computed: ResourceChange<S>,
    write: { comment: string; preApproved: PreApproval },
  ): Promise<{ version: number }>;

  /** Locks, computes and writes in the caller's transaction; returns the environment's new version. */
  applyPreApproved(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    key: string,
    write: PreApprovedWrite,
  ): Promise<{ version: number }>;
}

/**
 * The DI token under which a module provides its kind's writer
 * (flags and segments export theirs; approvals provides the environment's).
 */
export const RESOURCE_WRITER: Record<ResourceKind, symbol> = {
  flag: Symbol('ResourceWriter:flag'),
  segment: Symbol('ResourceWriter:segment'),
  environment: Symbol('ResourceWriter:environment'),
};

/** Every kind's writer; looking one up is the only place a kind is switched on. */
export class ResourceWriters {
  constructor(private readonly byKind: Readonly<Record<ResourceKind, ResourceWriter>>) {
    for (const kind of RESOURCE_KINDS)
      if (byKind[kind].kind !== kind) throw new Error(`the ${kind} writer says it writes ${byKind[kind].kind}`);
  }

  /** `kind` as stored (a change request's resourceKind); an unknown one is a bug, not a client error. */
  get(kind: string): ResourceWriter {
    if (!isResourceKind(kind)) throw new Error(`no writer for resource kind '${kind}'`);
    return this.byKind[kind];
  }
}

export const isResourceKind = (kind: string): kind is ResourceKind =>
  (RESOURCE_KINDS as readonly string[]).includes(kind);

/** Add to the providers of a module that imports FlagsModule and SegmentsModule to inject `ResourceWriters`. */
export const resourceWritersProvider: Provider = {
  provide: ResourceWriters,
  useFactory: (...writers: ResourceWriter[]) =>
    new ResourceWriters(
      Object.fromEntries(RESOURCE_KINDS.map((kind, i) => [kind, writers[i]])) as Record<ResourceKind, ResourceWriter>,
    ),
  inject: RESOURCE_KINDS.map((kind) => RESOURCE_WRITER[kind]),
};
