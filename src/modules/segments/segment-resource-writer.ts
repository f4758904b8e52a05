import { Injectable } from '@nestjs/common';
import {
  diffSegment,
  findSegmentConflicts,
  segmentApprovalReasons,
  type ConfigChange,
  type InstructionConflict,
} from '../../core/approval';
import { notFound } from '../../core/errors';
import type { FlagStore, SdkSegment } from '../../core/evaluation';
import type { SegmentConfig } from '../../core/model/flag-config';
import { toSdkSegment } from '../../core/model/sdk-shape';
import { segmentResource, type ResourceRef } from '../../core/policy';
import { randomUUID } from 'node:crypto';
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
import { segmentView } from './models/segment.view';
import type { ComputedSegmentWrite, LockedSegmentState } from './segment-write-records';
import { SegmentWriteService } from './segment-write.service';
import { SegmentsRepository } from './segments.repository';

interface SegmentLock extends ResourceState<SegmentConfig> {
  locked: LockedSegmentState;
}

interface SegmentChange extends ResourceChange<SegmentConfig> {
  computed: ComputedSegmentWrite;
}

/** A segment as a ResourceWriter: SegmentWriteService's validation, gate and write, SegmentsRepository's reads. */
@Injectable()
export class SegmentResourceWriter implements ResourceWriter<SegmentConfig> {
  readonly kind = 'segment';

  constructor(
    private readonly writes: SegmentWriteService,
    private readonly repo: SegmentsRepository,
  ) {}

  async resourceRef(project: ProjectContext, env: EnvironmentContext, key: string): Promise<ResourceRef> {
    return segmentResource(project, env, { key, tags: await this.repo.tags(env.id, key) });
  }

  async current(_project: ProjectContext, env: EnvironmentContext, key: string): Promise<ResourceState<SegmentConfig>> {
    const row = await this.repo.find(env.id, key);
    if (!row || row.deleted) throw notFound('segment', key);
    const state = segmentView(row);
    return { version: state.version, state };
  }

  atVersion(_project: ProjectContext, env: EnvironmentContext, key: string, version: number, tx?: Tx) {
    return this.repo.findAtVersion(env.id, key, version, tx);
  }

  async dryRun(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    key: string,
    instructions: unknown[],
    { authorize, guardrails }: { authorize: boolean; guardrails?: boolean },
  ): Promise<ResourceDryRun<SegmentConfig>> {
    const d = await this.writes.dryRun(actor, project, env, key, instructions, authorize);
    const warnings = guardrails ? await this.writes.checkGuardrails(project, env, d.before, d.after) : [];
    return {
      ...this.change(project, env, d.version, d.before, d.after),
      diff: diffSegment(d.before, d.after),
      warnings,
    };
  }

  async conflicts(
    _project: ProjectContext,
    env: EnvironmentContext,
    base: SegmentConfig,
    current: SegmentConfig,
    instructions: unknown[],
    tx?: Tx,
  ): Promise<InstructionConflict[]> {
    const live = await this.writes.liveKeys(tx, env);
    return findSegmentConflicts({ base, current, instructions, newId: randomUUID, segmentExists: (k) => live.has(k) });
  }

  diff(before: SegmentConfig, after: SegmentConfig): ConfigChange[] {
    return diffSegment(before, after);
  }

  stage(store: FlagStore, { after }: ResourceChange<SegmentConfig>): string[] {
    store.upsertSegment(toSdkSegment({ ...after, version: after.version + 1 }) as SdkSegment);
    return [];
  }

  async lock(tx: Tx, _project: ProjectContext, env: EnvironmentContext, key: string): Promise<SegmentLock> {
    const locked = await this.writes.lock(tx, env, key);
    return { version: locked.row.version, state: locked.before, locked };
  }

  compute(
    _tx: Tx,
    project: ProjectContext,
    env: EnvironmentContext,
    { version, state, locked }: SegmentLock,
    instructions: unknown[],
  ): Promise<SegmentChange> {
    const computed = this.writes.compute(locked, instructions);
    return Promise.resolve({ ...this.change(project, env, version, state, computed.segment), computed });
  }

  async applyComputed(
    tx: Tx,
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    { computed }: SegmentChange,
    write: { comment: string; preApproved: PreApproval },
  ): Promise<{ version: number }> {
    return { version: (await this.writes.applyComputed(tx, actor, project, env, computed, write)).version };
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
    before: SegmentConfig,
    after: SegmentConfig,
  ): ResourceChange<SegmentConfig> {
    return {
      version,
      resource: segmentResource(project, env, before),
      before,
      after,
      reasons: segmentApprovalReasons(approvalSettingsOf(project, env), before, after),
    };
  }
}
