import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { IN_PROJECT } from '../projects/project.problems';
import { ProjectReleasesQueryDto, ReleasePageDto } from './dto/releases.dto';
import { ReleasesService } from './releases.service';

/** Every release of a project (in the environments the caller may view), for overviews such as the console's. */
@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/releases')
export class ProjectReleasesController {
  constructor(private readonly releases: ReleasesService) {}

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_PROJECT, 'environment/not_found', 'release/invalid_cursor')
  @Get()
  @ApiOkResponse({ type: ReleasePageDto, description: 'newest first; `next` is the cursor of the following page' })
  list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Query() q: ProjectReleasesQueryDto) {
    return this.releases.listInProject(a, p, q);
  }
}
