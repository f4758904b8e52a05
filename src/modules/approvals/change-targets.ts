import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  diffFlag,
  diffSegment,
  findFlagConflicts,
  findSegmentConflicts,
  flagApprovalReasons,
  segmentApprovalReasons,
  type ConfigChange,
  type FlagState,
  type InstructionConflict,
} from '../../core/approval';
import { notFound } from '../../core/errors';
import type { SegmentConfig } from '../../core/model/flag-config';
import { flagResource, segmentResource, type ResourceRef } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import type { Actor } from '../accounts/models/actor';
import { FlagWriteService } from '../flags/flag-write.service';
import { SegmentWriteService } from '../segments/segment-write.service';
import { approvalSettingsOf } from '../write-path/approval-gate';
import { ChangeRequestsRepository } from './change-requests.repository';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { mintPreApproval } from '../write-path/pre-approval';

export const RESOURCE_KINDS = ['flag', 'segment'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** What a change request's instructions do to its resource now. */
export interface ChangePreview {
  version: number;
  resource: ResourceRef;
  before: FlagState | SegmentConfig;
  after: FlagState | SegmentConfig;
  /** Why the environment's settings require approval for this change (empty: they do not). */
  reasons: string[];
  diff: ConfigChange[];
}

/** What the audit entry of a change-request apply links: the request, who asked, who approved. */
export interface ChangeRequestLink {
  id: string;
  requester: unknown;
  reviewers: string[];
  override: boolean;
}

export interface Located {
  project: ProjectContext;
  env: EnvironmentContext;
}

/**
 * The two kinds of resource a change request can target, behind one interface, so the request
 * lifecycle is written once. Everything here delegates to the resource's write service: the
 * validation, the gate and the write are exactly those of a direct PATCH.
 */
@Injectable()
export class ChangeTargets {
  constructor(
    private readonly flags: FlagWriteService,
    private readonly segments: SegmentWriteService,
    private readonly repo: ChangeRequestsRepository,
  ) {}

  /** Validates the instructions against the current configuration; `authorize` checks the actor may make each change. */
  async preview(
    kind: ResourceKind,
    actor: Actor,
    at: Located,
    key: string,
    instructions: unknown[],
    authorize: boolean,
  ): Promise<ChangePreview> {
    const settings = approvalSettingsOf(at.project, at.env);
    if (kind === 'flag') {
      const d = await this.flags.dryRun(actor, at.project, at.env, key, instructions, authorize);
      return {
        version: d.version,
        resource: flagResource(at.project, at.env, d.before.flag),
        before: d.before,
        after: d.after,
        reasons: flagApprovalReasons(settings, d.before, d.after),
        diff: diffFlag(d.before, d.after),
      };
    }
    const d = await this.segments.dryRun(actor, at.project, at.env, key, instructions, authorize);
    return {
      version: d.version,
      resource: segmentResource(at.project, at.env, d.before),
      before: d.before,
      after: d.after,
      reasons: segmentApprovalReasons(settings, d.before, d.after),
      diff: diffSegment(d.before, d.after),
    };
  }

  /**
   * Writes through the one write path, in the caller's transaction; returns the new version.
   * `expectedVersion` is the version the apply checked, so a write that slipped in since is refused.
   */
  async apply(
    kind: ResourceKind,
    tx: Tx,
    actor: Actor,
    at: Located,
    key: string,
    instructions: unknown[],
    link: ChangeRequestLink,
    comment: string,
    expectedVersion: number,
  ): Promise<number> {
    const write = {
      instructions,
      comment,
      expectedVersion,
      preApproved: mintPreApproval({ environmentKey: at.env.key, links: { changeRequest: link } }),
    };
    return kind === 'flag'
      ? (await this.flags.applyPreApproved(tx, actor, at.project, at.env, key, write)).version
      : (await this.segments.applyPreApproved(tx, actor, at.project, at.env, key, write)).version;
  }

  /** The resource's configuration now, and its version. */
  async current(
    kind: ResourceKind,
    at: Located,
    key: string,
  ): Promise<{ version: number; state: FlagState | SegmentConfig }> {
    const state =
      kind === 'flag'
        ? await this.repo.flagNow(key, at.project.id, at.env.id)
        : await this.repo.segmentNow(key, at.env.id);
    if (!state) throw notFound(kind, key);
    return {
      version: kind === 'flag' ? (state as FlagState).environment.version : (state as SegmentConfig).version,
      state,
    };
  }

  /**
   * Each instruction that no longer fits: it fails on the current configuration, or the part it
   * changes was changed by someone else since the base version. A base version no longer in the
   * history makes every instruction a conflict.
   */
  async conflicts(
    kind: ResourceKind,
    at: Located,
    key: string,
    baseVersion: number,
    current: ChangePreview['before'],
    instructions: unknown[],
  ): Promise<InstructionConflict[]> {
    const gone = (): InstructionConflict[] =>
      instructions.map((i, index) => ({
        index,
        kind: String((i as { kind?: unknown })?.kind),
        reason: `version ${baseVersion} is no longer in the history`,
      }));
    if (kind === 'flag') {
      const base = await this.repo.flagAt(key, at.project.id, at.env.id, baseVersion);
      if (!base) return gone();
      const ctx = await this.flags.patchContext(
        at.project.id,
        instructions.map((i) => ({ kind: String((i as { kind?: unknown })?.kind) })),
      );
      return findFlagConflicts({ base, current: current as FlagState, environmentKey: at.env.key, instructions, ctx });
    }
    const base = await this.repo.segmentAt(key, at.env.id, baseVersion);
    if (!base) return gone();
    return findSegmentConflicts({ base, current: current as SegmentConfig, instructions, newId: randomUUID });
  }
}
