import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { StartReleaseInput } from './dto/releases.input';
import { ReleaseModel } from './models/release.model';
import { ReleasesService } from './releases.service';

const UUID = new ParseUUIDPipe();

/** GraphQL twin of ReleasesController. */
@Resolver(() => ReleaseModel)
export class ReleasesResolver {
  constructor(private readonly service: ReleasesService) {}

  @Query(() => [ReleaseModel])
  releases(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('flagKey', KeyPipe) f: string,
    @Args('environmentKey', KeyPipe) e: string,
  ) {
    return this.service.list(a, p, f, e).then((r) => r.items);
  }

  @Mutation(() => ReleaseModel, {
    description: 'in an environment that requires approval for the final change: break-glass, with input.bypassReason',
  })
  startRelease(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('flagKey', KeyPipe) f: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('input') input: StartReleaseInput,
  ) {
    return this.service.start(a, p, f, e, input, input.bypassReason ? { reason: input.bypassReason } : undefined);
  }

  @Mutation(() => ReleaseModel)
  pauseRelease(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('flagKey', KeyPipe) f: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('id', UUID) id: string,
  ) {
    return this.service.pause(a, p, f, e, id);
  }

  @Mutation(() => ReleaseModel)
  resumeRelease(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('flagKey', KeyPipe) f: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('id', UUID) id: string,
  ) {
    return this.service.resume(a, p, f, e, id);
  }

  @Mutation(() => ReleaseModel)
  rollbackRelease(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('flagKey', KeyPipe) f: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('id', UUID) id: string,
  ) {
    return this.service.rollback(a, p, f, e, id);
  }
}
