import { Global, Module } from '@nestjs/common';
import { FlagTags } from '../accounts/resource-tags';
import { FlagsReadModel } from './flags.read-model';
import { FlagsRepository } from './flags.repository';

/**
 * The flags read model on its own, for modules that read flags but must not depend on the write
 * path. Global for the one consumer below flags: accounts' FlagTags.
 */
@Global()
@Module({
  providers: [FlagsRepository, FlagsReadModel, { provide: FlagTags, useExisting: FlagsReadModel }],
  exports: [FlagsReadModel, FlagTags],
})
export class FlagsReadModule {}
