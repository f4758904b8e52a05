import { Global, Module } from '@nestjs/common';
import { SegmentTags } from '../accounts/resource-tags';
import { SegmentsReadModel } from './segments.read-model';
import { SegmentsRepository } from './segments.repository';

/** The segments read model on its own; global for the one consumer below segments: accounts' SegmentTags. */
@Global()
@Module({
  providers: [SegmentsRepository, SegmentsReadModel, { provide: SegmentTags, useExisting: SegmentsReadModel }],
  exports: [SegmentsReadModel, SegmentTags],
})
export class SegmentsReadModule {}
