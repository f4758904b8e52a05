import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateMetricDto, MetricDto, MetricListDto, UpdateMetricDto } from './dto/metrics.dto';
import { MetricDefinitionsService } from './metric-definitions.service';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { IN_PROJECT } from '../projects/project.problems';

@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricDefinitionsService) {}

  @Problems(...AUTHENTICATED, ...IN_PROJECT)
  @Get()
  @ApiOkResponse({ type: MetricListDto })
  list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) {
    return this.metrics.list(a, p);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'metric/already_exists')
  @Post()
  @ApiCreatedResponse({ type: MetricDto })
  create(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: CreateMetricDto) {
    return this.metrics.create(a, p, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'metric/not_found')
  @Get(':key')
  @ApiOkResponse({ type: MetricDto })
  get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('key', KeyPipe) k: string) {
    return this.metrics.get(a, p, k);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'metric/not_found')
  @Patch(':key')
  @ApiOkResponse({ type: MetricDto })
  update(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('key', KeyPipe) k: string,
    @Body() dto: UpdateMetricDto,
  ) {
    return this.metrics.update(a, p, k, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'metric/not_found')
  @Delete(':key')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('key', KeyPipe) k: string) {
    return this.metrics.remove(a, p, k);
  }
}
