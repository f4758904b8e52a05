import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { IN_PROJECT } from '../projects/project.problems';
import type { BreakGlass } from '../write-path/break-glass';
import { BypassHeader } from '../write-path/break-glass.decorator';
import { GuardrailPolicyDto, GuardrailPolicyListDto, PutGuardrailPolicyDto } from './dto/guardrails.dto';
import { GuardrailsService } from './guardrails.service';

const GOVERNED = ['approval/required', 'approval/bypass_reason_required'] as const;

@ApiTags('guardrails')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/guardrail-policies')
export class GuardrailsController {
  constructor(private readonly guardrails: GuardrailsService) {}

  @Problems(...AUTHENTICATED, ...IN_PROJECT)
  @Get()
  @ApiOkResponse({ type: GuardrailPolicyListDto })
  list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) {
    return this.guardrails.list(a, p);
  }

  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'guardrail/not_found')
  @Get(':key')
  @ApiOkResponse({ type: GuardrailPolicyDto })
  get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('key', KeyPipe) k: string) {
    return this.guardrails.get(a, p, k);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'guardrail/invalid', 'guardrail/already_exists', ...GOVERNED)
  @Put(':key')
  @ApiOkResponse({ type: GuardrailPolicyDto, description: 'created or replaced' })
  put(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('key', KeyPipe) k: string,
    @Body() dto: PutGuardrailPolicyDto,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.guardrails.put(a, p, k, dto, bypass);
  }

  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'guardrail/not_found', ...GOVERNED)
  @Delete(':key')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('key', KeyPipe) k: string,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.guardrails.remove(a, p, k, bypass);
  }
}
