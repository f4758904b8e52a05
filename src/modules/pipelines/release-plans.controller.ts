import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { IN_PROJECT } from '../projects/project.problems';
import { PipelineRunDto } from './dto/pipelines.dto';
import {
  CreateReleasePlanDto,
  ReleasePlanDto,
  ReleasePlanListDto,
  ResolvedReleasePlanDto,
  ResolveReleasePlanQueryDto,
  UpdateReleasePlanDto,
} from './dto/release-plans.dto';
import { PipelineRunsService } from './pipeline-runs.service';
import { ReleasePlansService } from './release-plans.service';

/** Release plans (README "Release plans"): templates, which one applies to a flag, and run controls. */
@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey')
export class ReleasePlansController {
  constructor(
    private readonly plans: ReleasePlansService,
    private readonly runs: PipelineRunsService,
  ) {}

  @Problems(...AUTHENTICATED, ...IN_PROJECT)
  @Get('release-plans')
  @ApiOkResponse({ type: ReleasePlanListDto })
  list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) {
    return this.plans.list(a, p);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_PROJECT,
    'release_plan/invalid',
    'release/unknown_metric',
    'release_plan/already_exists',
  )
  @Post('release-plans')
  @ApiCreatedResponse({ type: ReleasePlanDto })
  create(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: CreateReleasePlanDto) {
    return this.plans.create(a, p, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'release_plan/not_found')
  @Get('release-plans/:key')
  @ApiOkResponse({ type: ReleasePlanDto })
  get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('key', KeyPipe) k: string) {
    return this.plans.get(a, p, k);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_PROJECT,
    'release_plan/not_found',
    'release_plan/invalid',
    'release/unknown_metric',
  )
  @Put('release-plans/:key')
  @ApiOkResponse({ type: ReleasePlanDto, description: 'edits the plan and bumps its version; runs keep theirs' })
  update(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('key', KeyPipe) k: string,
    @Body() dto: UpdateReleasePlanDto,
  ) {
    return this.plans.update(a, p, k, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'release_plan/not_found')
  @Delete('release-plans/:key')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('key', KeyPipe) k: string) {
    return this.plans.remove(a, p, k);
  }

  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'flag/not_found', 'release_plan/not_found', 'release_plan/no_plan')
  @Get('flags/:flagKey/release-plan')
  @ApiOkResponse({
    type: ResolvedReleasePlanDto,
    description: 'the plan a start of this flag uses: planKey if given, else its tag default, else the project default',
  })
  resolve(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Query() q: ResolveReleasePlanQueryDto,
  ) {
    return this.plans.resolveView(a, p, f, q.planKey);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_PROJECT,
    'pipeline/not_running',
    'release_plan/no_such_phase',
    'release_plan/phase_not_waiting',
  )
  @Post('flags/:flagKey/release/phases/:phase/start')
  @HttpCode(200)
  @ApiOkResponse({ type: PipelineRunDto, description: 'starts a pending phase whose trigger is manual' })
  startPhase(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('phase') n: string,
  ) {
    return this.runs.startPhase(a, p, f, n);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'release_plan/not_paused')
  @Post('flags/:flagKey/release/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: PipelineRunDto, description: 'resumes a paused run (rolled-back phases are retried)' })
  resume(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string) {
    return this.runs.resume(a, p, f);
  }
}
