import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import {
  CreateScheduledChangeDto,
  ListScheduledChangesQueryDto,
  ScheduledChangeDto,
  ScheduledChangeListDto,
  UpdateScheduledChangeDto,
} from './dto/scheduled-changes.dto';
import { ScheduledChangesService } from './scheduled-changes.service';

const uuid = new ParseUUIDPipe();

@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/flags/:flagKey/environments/:envKey/scheduled-changes')
export class SchedulesController {
  constructor(private readonly schedules: ScheduledChangesService) {}

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

  @Post()
  @ApiCreatedResponse({ type: ScheduledChangeDto })
  create(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: CreateScheduledChangeDto,
  ) {
    return this.schedules.create(a, p, f, e, dto);
  }

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

  @Patch(':id')
  @ApiOkResponse({ type: ScheduledChangeDto })
  update(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateScheduledChangeDto,
  ) {
    return this.schedules.update(a, p, f, e, id, dto);
  }

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
