import { ParseUUIDPipe } from '@nestjs/common';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateFreezeInput } from './dto/freezes.input';
import { FreezesService } from './freezes.service';
import { FreezeModel } from './models/freeze.model';

const reasonOf = (bypassReason?: string | null) => (bypassReason ? { reason: bypassReason } : undefined);

/** GraphQL twin of FreezesController; `bypassReason` is the X-Gantry-Bypass-Reason header. */
@Resolver(() => FreezeModel)
export class FreezesResolver {
  constructor(private readonly service: FreezesService) {}

  @Query(() => [FreezeModel])
  freezes(@CurrentActor() a: Actor, @Args('projectKey', KeyPipe) p: string) {
    return this.service.list(a, p).then((r) => r.items);
  }

  @Mutation(() => FreezeModel)
  createFreeze(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('input') input: CreateFreezeInput,
    @Args('bypassReason', { type: () => String, nullable: true }) bypassReason?: string | null,
  ) {
    return this.service.create(a, p, input, reasonOf(bypassReason));
  }

  @Mutation(() => Boolean)
  deleteFreeze(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('id', new ParseUUIDPipe()) id: string,
    @Args('bypassReason', { type: () => String, nullable: true }) bypassReason?: string | null,
  ) {
    return this.service.remove(a, p, id, reasonOf(bypassReason)).then(() => true);
  }
}
