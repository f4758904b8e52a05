import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { chosenInstructions } from '../graphql/typed-instructions';
import { CreateScheduledChangeInput } from './dto/scheduled-changes.input';
import { ScheduledChangeModel } from './models/scheduled-change.model';
import { ScheduledChangesService } from './scheduled-changes.service';

/** GraphQL twin of SchedulesController. */
@Resolver(() => ScheduledChangeModel)
export class SchedulesResolver {
  constructor(private readonly schedules: ScheduledChangesService) {}

  @Query(() => [ScheduledChangeModel])
  scheduledChanges(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('flagKey', KeyPipe) f: string,
    @Args('environmentKey', KeyPipe) e: string,
  ) {
    return this.schedules.list(a, p, f, e, {}).then((r) => r.items);
  }

  @Mutation(() => ScheduledChangeModel, {
    description: 'in an environment that requires approval for the change: break-glass, with input.bypassReason',
  })
  createScheduledChange(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('flagKey', KeyPipe) f: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('input') input: CreateScheduledChangeInput,
  ) {
    return this.schedules.create(
      a,
      p,
      f,
      e,
      { ...input, instructions: chosenInstructions('Flag', input) },
      input.bypassReason ? { reason: input.bypassReason } : undefined,
    );
  }

  @Mutation(() => Boolean)
  deleteScheduledChange(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('flagKey', KeyPipe) f: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('id', new ParseUUIDPipe()) id: string,
  ) {
    return this.schedules.remove(a, p, f, e, id).then(() => true);
  }
}
