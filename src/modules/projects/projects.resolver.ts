import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateProjectInput } from './dto/projects.input';
import { ProjectModel } from './models/project.model';
import { ProjectsService } from './projects.service';

/** GraphQL twin of ProjectsController; a project's environments are loaded with it. */
@Resolver(() => ProjectModel)
export class ProjectsResolver {
  constructor(private readonly service: ProjectsService) {}

  @Query(() => [ProjectModel]) projects(@CurrentActor() a: Actor) {
    return this.service.list(a).then((r) => r.items);
  }
  @Query(() => ProjectModel) project(@CurrentActor() a: Actor, @Args('key', KeyPipe) key: string) {
    return this.service.get(a, key);
  }
  @Mutation(() => ProjectModel) createProject(@CurrentActor() a: Actor, @Args('input') input: CreateProjectInput) {
    return this.service.create(a, input);
  }
}
