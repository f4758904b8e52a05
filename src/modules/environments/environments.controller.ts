import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateEnvironmentDto, RotateKeyDto, UpdateEnvironmentDto } from '../projects/dto/projects.dto';
import { EnvironmentDto, EnvironmentListDto } from '../projects/dto/projects.responses';
import { EnvironmentsService } from './environments.service';
import type { BreakGlass } from '../write-path/break-glass';
import { BypassHeader } from '../write-path/break-glass.decorator';
import { APPROVAL_GATE } from '../write-path/write-path.problems';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { IN_ENVIRONMENT, IN_PROJECT } from '../projects/project.problems';

@ApiTags('environments')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/environments')
export class EnvironmentsController {
  constructor(private readonly envs: EnvironmentsService) {}

  @Problems(...AUTHENTICATED, ...IN_PROJECT)
  @Get()
  @ApiOkResponse({ type: EnvironmentListDto })
  list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) {
    return this.envs.list(a, p);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'environment/already_exists')
  @Post()
  @ApiCreatedResponse({ type: EnvironmentDto })
  create(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: CreateEnvironmentDto) {
    return this.envs.create(a, p, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_ENVIRONMENT)
  @Get(':envKey')
  @ApiOkResponse({ type: EnvironmentDto })
  get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('envKey', KeyPipe) e: string) {
    return this.envs.get(a, p, e);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_ENVIRONMENT, ...APPROVAL_GATE)
  @Patch(':envKey')
  @ApiOkResponse({ type: EnvironmentDto })
  update(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: UpdateEnvironmentDto,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.envs.update(a, p, e, dto, bypass);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_ENVIRONMENT)
  @Post(':envKey/rotate-key')
  @HttpCode(200)
  @ApiOkResponse({ type: EnvironmentDto })
  rotate(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: RotateKeyDto,
  ) {
    return this.envs.rotate(a, p, e, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_ENVIRONMENT, 'environment/last', ...APPROVAL_GATE)
  @Delete(':envKey')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.envs.remove(a, p, e, bypass);
  }
}
