import { Injectable } from '@nestjs/common';
import { previewImpact, type ConfigChange, type ImpactReport } from '../../core/approval';
import { FlagStore, type SdkFlag, type SdkSegment } from '../../core/evaluation';
import { toSdkFlag, toSdkSegment } from '../../core/model/sdk-shape';
import type { Actor } from '../accounts/models/actor';
import { ContextSampleService } from '../delivery/context-sample.service';
import { DeliveryRepository } from '../delivery/delivery.repository';
import { ChangeRequestAccess } from './change-request-access';
import type { ImpactRequestDto } from './dto/change-requests.dto';

export interface ChangeRequestDiff {
  changes: ConfigChange[];
  before: unknown;
  after: unknown;
}

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
    private readonly delivery: DeliveryRepository,
    private readonly sample: ContextSampleService,
  ) {}

  async impact(actor: Actor, id: string, dto: ImpactRequestDto = {}): Promise<ChangeRequestImpact> {
    const { row, at } = await this.access.load(actor, id);
    const writer = this.access.writer(row.resourceKind);
    const instructions = row.instructions;
    const preview = await writer.dryRun(actor, at.project, at.env, row.resourceKey, instructions, { authorize: false });
    const data = await this.delivery.loadEnvironment(at.env.id);
    const flags: Record<string, SdkFlag> = {};
    const segments: Record<string, SdkSegment> = {};
    for (const f of data?.flags ?? []) flags[f.definition.key] = toSdkFlag(f.definition, f.config) as SdkFlag;
    for (const s of data?.segments ?? []) segments[s.key] = toSdkSegment(s) as SdkSegment;
    const before = FlagStore.from({ flags, segments });
    const after = FlagStore.from({ flags, segments });
    const targetFlags = writer.stage(after, preview);
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
      flags: report.flags.filter((f) => f.changed > 0 || targetFlags.includes(f.flagKey)),
      version: preview.version,
    };
  }

  /**
   * The configuration before and after: one human-readable line per change, and both whole
   * states so a reviewer can see them side by side. For an open request: the current
   * configuration against the result of applying it now; for an applied one: the versions the
   * apply went from and to (null states when those versions are no longer kept).
   */
  async diff(actor: Actor, id: string): Promise<ChangeRequestDiff> {
    const { row, at } = await this.access.load(actor, id);
    const writer = this.access.writer(row.resourceKind);
    if (row.status === 'applied' && row.appliedVersion) {
      const [before, after] = await Promise.all([
        writer.atVersion(at.project, at.env, row.resourceKey, row.appliedVersion - 1),
        writer.atVersion(at.project, at.env, row.resourceKey, row.appliedVersion),
      ]);
      return { changes: before && after ? writer.diff(before, after) : [], before, after };
    }
    const instructions = row.instructions;
    const dry = await writer.dryRun(actor, at.project, at.env, row.resourceKey, instructions, { authorize: false });
    return { changes: dry.diff, before: dry.before, after: dry.after };
  }
}
