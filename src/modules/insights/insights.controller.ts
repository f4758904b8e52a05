import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { IN_ENVIRONMENT } from '../projects/project.problems';
import { FlagInsightsDto, InsightsQueryDto } from './dto/insights.dto';
import { FlagInsightsService } from './flag-insights.service';

@ApiTags('insights')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/flags/:flagKey/environments/:envKey/insights')
export class InsightsController {
  constructor(private readonly insights: FlagInsightsService) {}

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT, 'flag/not_found')
  @Get()
  @ApiOkResponse({ type: FlagInsightsDto })
  get(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Query() q: InsightsQueryDto,
  ) {
    return this.insights.get(a, p, f, e, q);
  }
}
