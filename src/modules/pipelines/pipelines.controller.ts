import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import {
  CreatePipelineDto,
  PipelineDto,
  PipelineListDto,
  PipelineRunDto,
  StartPipelineReleaseDto,
  UpdatePipelineDto,
  StartedPipelineRunDto,
} from './dto/pipelines.dto';
import { PipelineRunsService } from './pipeline-runs.service';
import { BypassHeader } from '../write-path/break-glass.decorator';
import type { BreakGlass } from '../write-path/break-glass';
import { PipelinesService } from './pipelines.service';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { IN_ENVIRONMENT, IN_PROJECT } from '../projects/project.problems';

@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey')
export class PipelinesController {
  constructor(
    private readonly pipelines: PipelinesService,
    private readonly runs: PipelineRunsService,
  ) {}

  @Problems(...AUTHENTICATED, ...IN_PROJECT)
  @Get('release-pipelines')
  @ApiOkResponse({ type: PipelineListDto })
  list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) {
    return this.pipelines.list(a, p);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_PROJECT,
    'pipeline/invalid_phases',
    'release/unknown_metric',
    'pipeline/already_exists',
  )
  @Post('release-pipelines')
  @ApiCreatedResponse({ type: PipelineDto })
  create(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: CreatePipelineDto) {
    return this.pipelines.create(a, p, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'pipeline/not_found')
  @Get('release-pipelines/:key')
  @ApiOkResponse({ type: PipelineDto })
  get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('key', KeyPipe) k: string) {
    return this.pipelines.get(a, p, k);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_PROJECT,
    'pipeline/not_found',
    'pipeline/invalid_phases',
    'release/unknown_metric',
  )
  @Patch('release-pipelines/:key')
  @ApiOkResponse({ type: PipelineDto })
  update(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('key', KeyPipe) k: string,
    @Body() dto: UpdatePipelineDto,
  ) {
    return this.pipelines.update(a, p, k, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'pipeline/not_found')
  @Delete('release-pipelines/:key')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('key', KeyPipe) k: string) {
    return this.pipelines.remove(a, p, k);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    'release_plan/not_found',
    'pipeline/not_found',
    'release_plan/no_plan',
    'release_plan/invalid',
    'release_plan/audience_unaffected',
    'flag/not_found',
    'patch/invalid_instruction',
    'flag/archived',
    'approval/required',
    'approval/bypass_reason_required',
    'pipeline/already_running',
  )
  @Put('flags/:flagKey/release')
  @ApiOkResponse({
    type: StartedPipelineRunDto,
    description:
      'starts the flag through a release plan towards the variation: planKey (or its former name pipelineKey), else the flag default plan',
  })
  start(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Body() dto: StartPipelineReleaseDto,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.runs.start(a, p, f, dto, bypass);
  }
  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'pipeline/no_run')
  @Get('flags/:flagKey/release')
  @ApiOkResponse({
    type: PipelineRunDto,
    description: 'the latest pipeline run of the flag: status per phase and audience',
  })
  status(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string) {
    return this.runs.status(a, p, f);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'pipeline/not_running')
  @Post('flags/:flagKey/release/abort')
  @HttpCode(200)
  @ApiOkResponse({ type: PipelineRunDto })
  abort(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string) {
    return this.runs.abort(a, p, f);
  }
}
