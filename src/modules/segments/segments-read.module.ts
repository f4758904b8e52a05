import { Global, Module } from '@nestjs/common';
import { SegmentTags } from '../accounts/resource-tags';
import { SegmentKeys } from '../flags/segment-keys.port';
import { SegmentsReadModel } from './segments.read-model';
import { SegmentsRepository } from './segments.repository';

/**
 * The segments read model on its own; global for the consumers below segments: accounts' SegmentTags
 * and the flag write path's SegmentKeys.
 */
@Global()
@Module({
  providers: [
    SegmentsRepository,
    SegmentsReadModel,
    { provide: SegmentTags, useExisting: SegmentsReadModel },
    { provide: SegmentKeys, useExisting: SegmentsReadModel },
  ],
  exports: [SegmentsReadModel, SegmentTags, SegmentKeys],
})
export class SegmentsReadModule {}
