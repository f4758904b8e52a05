import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { GqlLoaders } from '../graphql/graphql-context';
import { PrerequisiteModel } from './models/flag-environment.model';
import { FlagModel } from './models/flag.model';

/**
 * `Prerequisite.flag` would be one query per prerequisite of every environment of every flag in a
 * list; the request's flag loader batches them into one query per project.
 */
@Resolver(() => PrerequisiteModel)
export class PrerequisiteResolver {
  @ResolveField(() => FlagModel, { nullable: true, description: 'the prerequisite flag itself' })
  flag(@Parent() p: PrerequisiteModel, @Context('loaders') loaders: GqlLoaders) {
    return loaders.flags.load({ projectKey: p.projectKey, key: p.key });
  }
}
