import { Injectable } from '@nestjs/common';
import {
  diffFlag,
  diffSegment,
  previewImpact,
  type ConfigChange,
  type FlagState,
  type ImpactReport,
} from '../../core/approval';
import { FlagStore, type SdkFlag, type SdkSegment } from '../../core/evaluation';
import type { SegmentConfig } from '../../core/model/flag-config';
import { toSdkFlag, toSdkSegment } from '../../core/model/sdk-shape';
import type { Actor } from '../accounts/models/actor';
import { ContextSampleService } from '../delivery/context-sample.service';
import { DeliveryRepository } from '../delivery/delivery.repository';
import { ChangeRequestAccess } from './change-request-access';
import { ChangeTargets, type ResourceKind } from './change-targets';
import type { ImpactRequestDto } from './dto/change-requests.dto';

export interface ChangeRequestImpact extends ImpactReport {
  /** The configuration version the preview was computed against. */
  version: number;
}

/**
 * What a change request would do, for reviewers: the configuration diff, and the variations real
 * contexts would get before and after (pure core evaluation over the environment's sample of
 * recently seen contexts plus any supplied ones). Nothing here writes.
 */
@Injectable()
export class ChangeRequestImpactService {
  constructor(
    private readonly access: ChangeRequestAccess,
    private readonly targets: ChangeTargets,
    private readonly delivery: DeliveryRepository,
    private readonly sample: ContextSampleService,
  ) {}

  async impact(actor: Actor, id: string, dto: ImpactRequestDto = {}): Promise<ChangeRequestImpact> {
    const { row, at } = await this.access.load(actor, id);
    const kind = row.resourceKind as ResourceKind;
    const preview = await this.targets.preview(kind, actor, at, row.resourceKey, row.instructions as unknown[], false);
    const data = await this.delivery.loadEnvironment(at.env.id);
    const flags: Record<string, SdkFlag> = {};
    const segments: Record<string, SdkSegment> = {};
    for (const f of data?.flags ?? []) flags[f.definition.key] = toSdkFlag(f.definition, f.config) as SdkFlag;
    for (const s of data?.segments ?? []) segments[s.key] = toSdkSegment(s) as SdkSegment;
    const before = FlagStore.from({ flags, segments });
    const after = FlagStore.from({ flags, segments });
    if (kind === 'flag') {
      const a = preview.after as FlagState;
      after.upsertFlag(toSdkFlag(a.flag, { ...a.environment, version: a.environment.version + 1 }) as SdkFlag);
    } else {
      const a = preview.after as SegmentConfig;
      after.upsertSegment(toSdkSegment({ ...a, version: a.version + 1 }) as SdkSegment);
    }
    const sampled = dto.includeSample === false ? [] : await this.sample.sample(at.env.id);
    const report = previewImpact({
      before,
      after,
      flagKeys: Object.keys(flags),
      contexts: [
        ...sampled.map((context) => ({ source: 'sample' as const, context })),
        ...(dto.contexts ?? []).map((context) => ({ source: 'supplied' as const, context })),
      ],
    });
    // Every flag was evaluated (prerequisites and segments reach beyond the target); report the ones that move, and the target.
    return {
      ...report,
      flags: report.flags.filter((f) => f.changed > 0 || (kind === 'flag' && f.flagKey === row.resourceKey)),
      version: preview.version,
    };
  }

  /**
   * The configuration before and after, human-readable. For an open request: the current
   * configuration against the result of applying it now; for an applied one: the versions the
   * apply went from and to.
   */
  async diff(actor: Actor, id: string): Promise<ConfigChange[]> {
    const { row, at } = await this.access.load(actor, id);
    const kind = row.resourceKind as ResourceKind;
    if (row.status === 'applied' && row.appliedVersion) {
      const repo = this.access.repo;
      if (kind === 'flag') {
        const [b, a] = await Promise.all([
          repo.flagAt(row.resourceKey, at.project.id, at.env.id, row.appliedVersion - 1),
          repo.flagAt(row.resourceKey, at.project.id, at.env.id, row.appliedVersion),
        ]);
        return b && a ? diffFlag(b, a) : [];
      }
      const [b, a] = await Promise.all([
        repo.segmentAt(row.resourceKey, at.env.id, row.appliedVersion - 1),
        repo.segmentAt(row.resourceKey, at.env.id, row.appliedVersion),
      ]);
      return b && a ? diffSegment(b, a) : [];
    }
    return (await this.targets.preview(kind, actor, at, row.resourceKey, row.instructions as unknown[], false)).diff;
  }
}
