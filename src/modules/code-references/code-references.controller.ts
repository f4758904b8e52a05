import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { IN_PROJECT } from '../projects/project.problems';
import { CodeReferencesService } from './code-references.service';
import { CodeReferenceListDto, CodeReferenceReportResultDto, ReportCodeReferencesDto } from './dto/code-references.dto';

@ApiTags('code references')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey')
export class CodeReferencesController {
  constructor(private readonly refs: CodeReferencesService) {}

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'code_reference/invalid', 'code_reference/too_many')
  @Post('code-references')
  @HttpCode(200)
  @ApiOkResponse({ type: CodeReferenceReportResultDto, description: "the repository+branch's set was replaced" })
  report(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: ReportCodeReferencesDto) {
    return this.refs.report(a, p, dto);
  }

  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'flag/not_found')
  @Get('flags/:flagKey/code-references')
  @ApiOkResponse({ type: CodeReferenceListDto })
  list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string) {
    return this.refs.forFlag(a, p, f);
  }
}
