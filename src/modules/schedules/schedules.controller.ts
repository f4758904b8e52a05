import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import {
  CreateScheduledChangeDto,
  CreatedScheduledChangeDto,
  ListOccurrencesQueryDto,
  ListScheduledChangesQueryDto,
  ScheduledChangeDto,
  ScheduledChangeListDto,
  ScheduledChangeOccurrenceListDto,
  UpdateScheduledChangeDto,
} from './dto/scheduled-changes.dto';
import { ScheduledChangesService } from './scheduled-changes.service';
import { BypassHeader } from '../write-path/break-glass.decorator';
import type { BreakGlass } from '../write-path/break-glass';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { FLAG_INSTRUCTIONS } from '../flags/flag.problems';
import { IN_ENVIRONMENT } from '../projects/project.problems';

const uuid = new ParseUUIDPipe();

@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/flags/:flagKey/environments/:envKey/scheduled-changes')
export class SchedulesController {
  constructor(private readonly schedules: ScheduledChangesService) {}

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT)
  @Get()
  @ApiOkResponse({ type: ScheduledChangeListDto })
  list(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Query() q: ListScheduledChangesQueryDto,
  ) {
    return this.schedules.list(a, p, f, e, q);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    ...FLAG_INSTRUCTIONS,
    'scheduled_change/invalid_execution_date',
    'scheduled_change/no_change',
    'approval/required',
    'approval/bypass_reason_required',
  )
  @Post()
  @ApiCreatedResponse({ type: CreatedScheduledChangeDto })
  create(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: CreateScheduledChangeDto,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.schedules.create(a, p, f, e, dto, bypass);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT, 'scheduled_change/not_found')
  @Get(':id')
  @ApiOkResponse({ type: ScheduledChangeDto })
  get(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
  ) {
    return this.schedules.get(a, p, f, e, id);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT, 'scheduled_change/not_found')
  @Get(':id/occurrences')
  @ApiOkResponse({ type: ScheduledChangeOccurrenceListDto })
  occurrences(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
    @Query() q: ListOccurrencesQueryDto,
  ) {
    return this.schedules.occurrences(a, p, f, e, id, q);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    ...FLAG_INSTRUCTIONS,
    'scheduled_change/not_found',
    'scheduled_change/invalid_execution_date',
    'scheduled_change/no_change',
    'approval/required',
    'approval/bypass_reason_required',
    'scheduled_change/not_pending',
  )
  @Patch(':id')
  @ApiOkResponse({ type: CreatedScheduledChangeDto })
  update(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateScheduledChangeDto,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.schedules.update(a, p, f, e, id, dto, bypass);
  }

  @Problems(
    ...AUTHENTICATED,
    'request/invalid',
    ...IN_ENVIRONMENT,
    'scheduled_change/not_found',
    'scheduled_change/not_pending',
  )
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
  ) {
    return this.schedules.remove(a, p, f, e, id);
  }
}
