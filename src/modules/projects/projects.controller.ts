import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateProjectDto, UpdateProjectDto } from './dto/projects.dto';
import { ProjectDto, ProjectListDto } from './dto/projects.responses';
import { ProjectsService } from './projects.service';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { IN_PROJECT } from './project.problems';

@ApiTags('projects')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Problems(...AUTHENTICATED)
  @Get()
  @ApiOkResponse({ type: ProjectListDto })
  list(@CurrentActor() a: Actor) {
    return this.projects.list(a);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, 'auth/forbidden', 'environment/duplicate_key', 'project/already_exists')
  @Post()
  @ApiCreatedResponse({ type: ProjectDto })
  create(@CurrentActor() a: Actor, @Body() dto: CreateProjectDto) {
    return this.projects.create(a, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_PROJECT)
  @Get(':projectKey')
  @ApiOkResponse({ type: ProjectDto })
  get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) {
    return this.projects.get(a, p);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT)
  @Patch(':projectKey')
  @ApiOkResponse({ type: ProjectDto })
  update(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: UpdateProjectDto) {
    return this.projects.update(a, p, dto);
  }
}
