import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import {
  CreatePipelineDto,
  PipelineDto,
  PipelineListDto,
  PipelineRunDto,
  StartPipelineReleaseDto,
  UpdatePipelineDto,
} from './dto/pipelines.dto';
import { PipelineRunsService } from './pipeline-runs.service';
import { PipelinesService } from './pipelines.service';

@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey')
export class PipelinesController {
  constructor(
    private readonly pipelines: PipelinesService,
    private readonly runs: PipelineRunsService,
  ) {}

  @Get('release-pipelines') @ApiOkResponse({ type: PipelineListDto }) list(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
  ) {
    return this.pipelines.list(a, p);
  }
  @Post('release-pipelines') @ApiCreatedResponse({ type: PipelineDto }) create(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Body() dto: CreatePipelineDto,
  ) {
    return this.pipelines.create(a, p, dto);
  }
  @Get('release-pipelines/:key') @ApiOkResponse({ type: PipelineDto }) get(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('key', KeyPipe) k: string,
  ) {
    return this.pipelines.get(a, p, k);
  }
  @Patch('release-pipelines/:key') @ApiOkResponse({ type: PipelineDto }) update(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('key', KeyPipe) k: string,
    @Body() dto: UpdatePipelineDto,
  ) {
    return this.pipelines.update(a, p, k, dto);
  }
  @Delete('release-pipelines/:key') @HttpCode(204) @ApiNoContentResponse() remove(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('key', KeyPipe) k: string,
  ) {
    return this.pipelines.remove(a, p, k);
  }

  @Put('flags/:flagKey/release')
  @ApiOkResponse({ type: PipelineRunDto, description: 'starts the flag through the pipeline towards the variation' })
  start(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Body() dto: StartPipelineReleaseDto,
  ) {
    return this.runs.start(a, p, f, dto);
  }
  @Get('flags/:flagKey/release')
  @ApiOkResponse({
    type: PipelineRunDto,
    description: 'the latest pipeline run of the flag: status per phase and audience',
  })
  status(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string) {
    return this.runs.status(a, p, f);
  }
  @Post('flags/:flagKey/release/abort')
  @HttpCode(200)
  @ApiOkResponse({ type: PipelineRunDto })
  abort(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string) {
    return this.runs.abort(a, p, f);
  }
}
