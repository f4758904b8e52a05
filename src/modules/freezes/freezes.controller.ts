import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { IN_PROJECT } from '../projects/project.problems';
import type { BreakGlass } from '../write-path/break-glass';
import { BypassHeader } from '../write-path/break-glass.decorator';
import { CreateFreezeDto, FreezeDto, FreezeListDto } from './dto/freezes.dto';
import { FreezesService } from './freezes.service';

const uuid = new ParseUUIDPipe();
const GOVERNED = ['approval/required', 'approval/bypass_reason_required'] as const;
const BYPASS_HEADER = {
  name: 'x-gantry-bypass-reason',
  required: false,
  description: 'break-glass reason, needed to change freezes of an environment that requires approval',
};

@ApiTags('change freezes')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/freezes')
export class FreezesController {
  constructor(private readonly freezes: FreezesService) {}

  @Problems(...AUTHENTICATED, ...IN_PROJECT)
  @Get()
  @ApiOkResponse({ type: FreezeListDto })
  list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) {
    return this.freezes.list(a, p);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'freeze/invalid_window', ...GOVERNED)
  @Post()
  @ApiCreatedResponse({ type: FreezeDto })
  @ApiHeader(BYPASS_HEADER)
  create(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Body() dto: CreateFreezeDto,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.freezes.create(a, p, dto, bypass);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_PROJECT, 'freeze/not_found')
  @Get(':id')
  @ApiOkResponse({ type: FreezeDto })
  get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('id', uuid) id: string) {
    return this.freezes.get(a, p, id);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_PROJECT, 'freeze/not_found', ...GOVERNED)
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiHeader(BYPASS_HEADER)
  remove(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('id', uuid) id: string,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.freezes.remove(a, p, id, bypass);
  }
}
