import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateProjectDto, UpdateProjectDto } from './dto/projects.dto';
import { ProjectsService } from './projects.service';

@ApiTags('projects')
@ApiBearerAuth()
@Controller('api/v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get() list(@CurrentActor() a: Actor) { return this.projects.list(a); }
  @Post() create(@CurrentActor() a: Actor, @Body() dto: CreateProjectDto) { return this.projects.create(a, dto); }
  @Get(':projectKey') get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) { return this.projects.get(a, p); }
  @Patch(':projectKey') update(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: UpdateProjectDto) { return this.projects.update(a, p, dto); }
  @Delete(':projectKey') @HttpCode(204) remove(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) { return this.projects.remove(a, p); }
}
