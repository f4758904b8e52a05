import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { IN_PROJECT } from '../projects/project.problems';
import {
  LifecycleReportDto,
  LifecycleReportQueryDto,
  LifecycleSettingsDto,
  PutLifecycleSettingsDto,
} from './dto/lifecycle.dto';
import { LifecycleService } from './lifecycle.service';

@ApiTags('lifecycle')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey')
export class LifecycleController {
  constructor(private readonly lifecycle: LifecycleService) {}

  @Problems(...AUTHENTICATED, ...IN_PROJECT)
  @Get('lifecycle-settings')
  @ApiOkResponse({ type: LifecycleSettingsDto })
  getSettings(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) {
    return this.lifecycle.getSettings(a, p);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'lifecycle/invalid_settings')
  @Put('lifecycle-settings')
  @ApiOkResponse({ type: LifecycleSettingsDto })
  putSettings(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: PutLifecycleSettingsDto) {
    return this.lifecycle.putSettings(a, p, dto);
  }

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_PROJECT)
  @Get('lifecycle/report')
  @ApiOkResponse({ type: LifecycleReportDto })
  report(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Query() q: LifecycleReportQueryDto) {
    return this.lifecycle.report(a, p, q.state);
  }
}
