import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateEnvironmentInput } from '../projects/dto/projects.input';
import { EnvironmentModel } from '../projects/models/project.model';
import { EnvironmentsService } from './environments.service';

/** GraphQL twin of EnvironmentsController (reads come with `project`). */
@Resolver()
export class EnvironmentsResolver {
  constructor(private readonly envs: EnvironmentsService) {}

  @Mutation(() => EnvironmentModel) createEnvironment(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('input') input: CreateEnvironmentInput,
  ) {
    return this.envs.create(a, p, input);
  }
}
