import { Query, Resolver } from '@nestjs/graphql';
import { CurrentActor } from './current-actor.decorator';
import { MembersService } from './members.service';
import type { Actor } from './models/actor';
import { MeModel } from './models/me.model';

@Resolver()
export class AccountsResolver {
  constructor(private readonly members: MembersService) {}

  @Query(() => MeModel) me(@CurrentActor() a: Actor) { return this.members.me(a); }
}
