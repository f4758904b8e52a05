import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { FlagLoaderFactory } from './flag.loader';

/** What the GraphQL context factory needs to build per-request loaders. */
@Module({ imports: [FlagsModule], providers: [FlagLoaderFactory], exports: [FlagLoaderFactory] })
export class GraphqlLoadersModule {}
