import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { ReleaseDto, ReleaseListDto, StartedReleaseDto, StartReleaseDto } from './dto/releases.dto';
import { BypassHeader } from '../write-path/break-glass.decorator';
import type { BreakGlass } from '../write-path/break-glass';
import { ReleasesService } from './releases.service';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { IN_ENVIRONMENT } from '../projects/project.problems';

const uuid = new ParseUUIDPipe();

@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/flags/:flagKey/environments/:envKey/releases')
export class ReleasesController {
  constructor(private readonly releases: ReleasesService) {}

  @Problems(...AUTHENTICATED, ...IN_ENVIRONMENT)
  @Get()
  @ApiOkResponse({ type: ReleaseListDto })
  list(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
  ) {
    return this.releases.list(a, p, f, e);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    'release/invalid_stages',
    'flag/not_found',
    'patch/invalid_instruction',
    'flag/archived',
    'release/no_change',
    'approval/required',
    'approval/bypass_reason_required',
    'release/unknown_metric',
    'release/already_active',
  )
  @Post()
  @ApiCreatedResponse({ type: StartedReleaseDto })
  start(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: StartReleaseDto,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.releases.start(a, p, f, e, dto, bypass);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT, 'release/not_found')
  @Get(':id')
  @ApiOkResponse({ type: ReleaseDto })
  get(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
  ) {
    return this.releases.get(a, p, f, e, id);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_ENVIRONMENT, 'release/not_found', 'release/invalid_state')
  @Post(':id/pause')
  @HttpCode(200)
  @ApiOkResponse({ type: ReleaseDto })
  pause(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
  ) {
    return this.releases.pause(a, p, f, e, id);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_ENVIRONMENT, 'release/not_found', 'release/invalid_state')
  @Post(':id/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: ReleaseDto })
  resume(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
  ) {
    return this.releases.resume(a, p, f, e, id);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    'release/not_found',
    'release/invalid_state',
    'flag/not_found',
    'release/variation_removed',
    'patch/invalid_instruction',
    'flag/archived',
    'guardrail/violation',
    'freeze/active',
  )
  @Post(':id/rollback')
  @HttpCode(200)
  @ApiOkResponse({ type: ReleaseDto })
  rollback(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
  ) {
    return this.releases.rollback(a, p, f, e, id);
  }
}
