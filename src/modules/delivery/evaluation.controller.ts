import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { EvaluateDto, EvaluationDto } from './dto/evaluate.dto';
import { EvaluationExplainService } from './evaluation-explain.service';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { IN_ENVIRONMENT } from '../projects/project.problems';

@ApiTags('flags')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/flags/:flagKey/environments/:envKey/evaluate')
export class EvaluationController {
  constructor(private readonly explainer: EvaluationExplainService) {}

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_ENVIRONMENT, 'evaluation/invalid_context', 'flag/not_found')
  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: EvaluationDto })
  evaluate(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: EvaluateDto,
  ) {
    return this.explainer.explain(a, p, f, e, dto);
  }
}
