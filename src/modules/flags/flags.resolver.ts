import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { chosenInstructions } from '../graphql/typed-instructions';
import { CreateFlagInput, FlagsArgs, PatchFlagArgs } from './dto/flags.input';
import { FlagCreationService } from './flag-creation.service';
import { FlagWriteService } from './flag-write.service';
import { FlagsService } from './flags.service';
import { FlagEnvironmentModel, flagEnvironmentList } from './models/flag-environment.model';
import { FlagModel, inProject, type FlagInProject } from './models/flag.model';

/** GraphQL twin of FlagsController: reads through FlagsService, every write through FlagWriteService. */
@Resolver(() => FlagModel)
export class FlagsResolver {
  constructor(
    private readonly reader: FlagsService,
    private readonly writer: FlagWriteService,
    private readonly creation: FlagCreationService,
  ) {}

  @Query(() => [FlagModel]) flags(@CurrentActor() a: Actor, @Args() q: FlagsArgs) {
    return this.reader.list(a, q.projectKey, q).then((r) => r.items.map(inProject(q.projectKey)));
  }
  @Query(() => FlagModel) flag(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('key', KeyPipe) key: string,
  ) {
    return this.reader.get(a, p, key).then(inProject(p));
  }
  @Mutation(() => FlagModel) createFlag(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('input') input: CreateFlagInput,
  ) {
    return this.creation.create(a, p, input).then(inProject(p));
  }

  @Mutation(() => FlagModel, { description: 'semantic patch, as PATCH /api/v1/projects/{p}/flags/{f}' })
  patchFlag(@CurrentActor() a: Actor, @Args() args: PatchFlagArgs) {
    const dto = { ...args, instructions: chosenInstructions('Flag', args) };
    return this.writer.patch(a, args.projectKey, args.flagKey, dto, args.ifMatch).then(inProject(args.projectKey));
  }

  /** REST keeps environments as a map by key; GraphQL lists them with `environmentKey`. */
  @ResolveField(() => [FlagEnvironmentModel]) environments(@Parent() f: FlagInProject) {
    return flagEnvironmentList(f.projectKey, f.environments);
  }
}
