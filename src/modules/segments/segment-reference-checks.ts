import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import type { SegmentConfig } from '../../core/model/flag-config';
import { newSegmentReferences, PatchError } from '../../core/patch';
import type { Tx } from '../../infra/prisma/tx';
import { FlagsReadModel } from '../flags/flags.read-model';
import type { EnvironmentContext } from '../projects/project-context';
import { SegmentsRepository } from './segments.repository';

/** The checks SegmentWriteService makes so that no segmentMatch clause names a segment that is gone. */
@Injectable()
export class SegmentReferenceChecks {
  constructor(
    private readonly repo: SegmentsRepository,
    private readonly flags: FlagsReadModel,
  ) {}

  /**
   * The segments this write newly names, locked FOR SHARE: one deleted since `lock` read the keys
   * is refused, and one deleted after this commits sees the reference (its delete waits for the lock).
   */
  async refuseVanishedSegments(tx: Tx, env: EnvironmentContext, before: SegmentConfig, after: SegmentConfig) {
    const named = newSegmentReferences(before.rules, after.rules);
    const live = new Set(await this.repo.lockLive(tx, env.id, named));
    const gone = named.filter((key) => !live.has(key));
    if (gone.length)
      throw new PatchError(
        gone.map((key) => ({ field: 'rules', reason: `segment '${key}' does not exist in this environment` })),
        'patch/unknown_segment',
      );
  }

  /** A segment named by any rule (a flag's, archived or not, or another segment's) cannot be deleted. */
  async refuseIfInUse(tx: Tx, env: EnvironmentContext, segmentKey: string) {
    const flags = await this.flags.usingSegment(tx, env.id, segmentKey);
    const segments = await this.repo.usingSegment(tx, env.id, segmentKey);
    if (!flags.length && !segments.length) return;
    const users = [...flags.map((key) => `flag '${key}'`), ...segments.map((key) => `segment '${key}'`)];
    throw new DomainError('segment/in_use', `segment '${segmentKey}' is used by ${users.join(', ')}`, [
      ...flags.map((key) => ({ field: `flags.${key}`, reason: `flag '${key}' has a rule matching this segment` })),
      ...segments.map((key) => ({
        field: `segments.${key}`,
        reason: `segment '${key}' has a rule matching this segment`,
      })),
    ]);
  }
}
