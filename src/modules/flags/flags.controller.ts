import { Body, Controller, Get, Headers, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import type { BreakGlass } from '../write-path/break-glass';
import { BypassHeader } from '../write-path/break-glass.decorator';
import { CreateFlagDto, ListFlagsQueryDto, ListVersionsQueryDto, PatchFlagDto } from './dto/flags.dto';
import {
  FlagDto,
  FlagEnvironmentConfigDto,
  FlagListDto,
  FlagVersionDto,
  FlagVersionListDto,
} from './dto/flags.responses';
import { FlagCreationService } from './flag-creation.service';
import { FlagWriteService } from './flag-write.service';
import { FlagsService } from './flags.service';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { FLAG_WRITE } from './flag.problems';
import { IN_ENVIRONMENT, IN_PROJECT } from '../projects/project.problems';

@ApiTags('flags')
@ApiBearerAuth()
@ApiProblems()
@ApiExtraModels(FlagEnvironmentConfigDto)
@Controller('api/v1/projects/:projectKey/flags')
export class FlagsController {
  constructor(
    private readonly flags: FlagsService,
    private readonly writer: FlagWriteService,
    private readonly creation: FlagCreationService,
  ) {}

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_PROJECT)
  @Get()
  @ApiOkResponse({ type: FlagListDto })
  list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Query() q: ListFlagsQueryDto) {
    return this.flags.list(a, p, q);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'flag/invalid', 'flag/already_exists', 'guardrail/violation')
  @Post()
  @ApiCreatedResponse({ type: FlagDto })
  create(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: CreateFlagDto) {
    return this.creation.create(a, p, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'flag/not_found')
  @Get(':flagKey')
  @ApiOkResponse({ type: FlagDto })
  get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string) {
    return this.flags.get(a, p, f);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_ENVIRONMENT, ...FLAG_WRITE)
  @Patch(':flagKey')
  @ApiOkResponse({ type: FlagDto })
  @ApiHeader({
    name: 'if-match',
    required: false,
    description:
      'the environment config version (or the flag version for flag-level changes) the change was written against',
  })
  patch(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Body() dto: PatchFlagDto,
    @Headers('if-match') ifMatch?: string,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.writer.patch(a, p, f, dto, ifMatch, bypass);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT, 'flag/not_found')
  @Get(':flagKey/environments/:envKey/versions')
  @ApiOkResponse({ type: FlagVersionListDto })
  versions(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Query() q: ListVersionsQueryDto,
  ) {
    return this.flags.versions(a, p, f, e, q);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT, 'flag/not_found', 'flag_version/not_found')
  @Get(':flagKey/environments/:envKey/versions/:version')
  @ApiOkResponse({ type: FlagVersionDto })
  version(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('version', ParseIntPipe) v: number,
  ) {
    return this.flags.version(a, p, f, e, v);
  }
}
