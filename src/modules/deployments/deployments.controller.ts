import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { IN_ENVIRONMENT, IN_PROJECT } from '../projects/project.problems';
import { DeploymentsService } from './deployments.service';
import { DeploymentListQueryDto, FlagDeploymentListQueryDto, RecordDeploymentDto } from './dto/deployments.dto';
import { DeploymentPageDto, RecordedDeploymentDto } from './dto/deployments.responses';

/** Deploy signals from CI, and the deployments they recorded (per environment, and on a flag's timeline). */
@ApiTags('release automation')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    'deployment/invalid_service',
    'deployment/invalid_version',
    'deployment/invalid_commit_sha',
    'deployment/invalid_url',
  )
  @Post('deployments')
  @ApiCreatedResponse({ type: RecordedDeploymentDto, description: 'recorded; `effects`: what release plans started' })
  @ApiOkResponse({
    type: RecordedDeploymentDto,
    description: 'a repeat of a signal recorded within 10 minutes (`repeated`: true); nothing was started',
  })
  record(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Body() dto: RecordDeploymentDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.deployments.record(a, p, dto).then((r) => (reply.status(r.repeated ? 200 : 201), r));
  }

  @Problems(
    ...AUTHENTICATED,
    'request/invalid',
    ...IN_ENVIRONMENT,
    'deployment/invalid_service',
    'deployment/invalid_cursor',
  )
  @Get('environments/:envKey/deployments')
  @ApiOkResponse({ type: DeploymentPageDto, description: 'newest first; `next` is the `before` of the following page' })
  listInEnvironment(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Query() q: DeploymentListQueryDto,
  ) {
    return this.deployments.listInEnvironment(a, p, e, q);
  }

  @Problems(
    ...AUTHENTICATED,
    'request/invalid',
    ...IN_PROJECT,
    'environment/not_found',
    'flag/not_found',
    'deployment/invalid_cursor',
  )
  @Get('flags/:flagKey/deployments')
  @ApiOkResponse({
    type: DeploymentPageDto,
    description: 'deployments of the services the flag links to, in the environments the caller may view; newest first',
  })
  listForFlag(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Query() q: FlagDeploymentListQueryDto,
  ) {
    return this.deployments.listForFlag(a, p, f, q);
  }
}
