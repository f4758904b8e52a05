import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateTriggerDto, UpdateTriggerDto } from './dto/triggers.dto';
import { CreatedTriggerDto, TriggerDto, TriggerListDto } from './dto/triggers.responses';
import { RequestOrigin } from './request-origin.decorator';
import { TriggersService } from './triggers.service';
import { BypassHeader } from '../write-path/break-glass.decorator';
import type { BreakGlass } from '../write-path/break-glass';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { FLAG_INSTRUCTIONS } from '../flags/flag.problems';
import { IN_ENVIRONMENT } from '../projects/project.problems';

const uuid = new ParseUUIDPipe();

@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/flags/:flagKey/environments/:envKey/triggers')
export class TriggersController {
  constructor(private readonly triggers: TriggersService) {}

  @Problems(...AUTHENTICATED, ...IN_ENVIRONMENT, 'flag/not_found')
  @Get()
  @ApiOkResponse({ type: TriggerListDto })
  list(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
  ) {
    return this.triggers.list(a, p, f, e);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    ...FLAG_INSTRUCTIONS,
    'trigger/invalid_action',
    'approval/required',
    'approval/bypass_reason_required',
  )
  @Post()
  @ApiCreatedResponse({
    type: CreatedTriggerDto,
    description: 'the trigger, with its URL: shown in this response only',
  })
  create(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: CreateTriggerDto,
    @RequestOrigin() origin: string,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.triggers.create(a, p, f, e, dto, origin, bypass);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT, 'flag/not_found', 'trigger/not_found')
  @Get(':id')
  @ApiOkResponse({ type: TriggerDto })
  get(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
  ) {
    return this.triggers.get(a, p, f, e, id);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_ENVIRONMENT, 'flag/not_found', 'trigger/not_found')
  @Patch(':id')
  @ApiOkResponse({ type: TriggerDto })
  update(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateTriggerDto,
  ) {
    return this.triggers.update(a, p, f, e, id, dto);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    'flag/not_found',
    'trigger/not_found',
    'approval/required',
  )
  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOkResponse({
    type: CreatedTriggerDto,
    description: 'a new URL, shown in this response only; the old one stops working',
  })
  rotate(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('id', uuid) id: string,
    @RequestOrigin() origin: string,
  ) {
    return this.triggers.rotate(a, p, f, e, id, origin);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT, 'flag/not_found', 'trigger/not_found')
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
    return this.triggers.remove(a, p, f, e, id);
  }
}
