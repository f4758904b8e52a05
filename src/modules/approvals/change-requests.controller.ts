import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiOperation } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { ChangeRequestActionsService } from './change-request-actions.service';
import { ChangeRequestApplyService } from './change-request-apply.service';
import { ChangeRequestImpactService } from './change-request-impact.service';
import { ChangeRequestReviewsService } from './change-request-reviews.service';
import { ChangeRequestsService } from './change-requests.service';
import {
  ApplyChangeRequestDto,
  ChangeRequestQueryDto,
  CreateEnvironmentChangeRequestDto,
  CreateFlagChangeRequestDto,
  CreateSegmentChangeRequestDto,
  ImpactRequestDto,
  ReviewChangeRequestDto,
  UpdateChangeRequestDto,
} from './dto/change-requests.dto';
import {
  ChangeRequestDetailDto,
  ChangeRequestDiffDto,
  ChangeRequestDto,
  ChangeRequestImpactDto,
  ChangeRequestListDto,
} from './dto/change-requests.responses';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { FLAG_INSTRUCTIONS } from '../flags/flag.problems';
import { IN_ENVIRONMENT } from '../projects/project.problems';
import { SEGMENT_INSTRUCTIONS } from '../segments/segment.problems';

type Id = string;
const uuid = new ParseUUIDPipe();

@ApiTags('approvals')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1')
export class ChangeRequestsController {
  constructor(
    private readonly requests: ChangeRequestsService,
    private readonly reviews: ChangeRequestReviewsService,
    private readonly applier: ChangeRequestApplyService,
    private readonly impacts: ChangeRequestImpactService,
    private readonly actions: ChangeRequestActionsService,
  ) {}

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    ...FLAG_INSTRUCTIONS,
    'change_request/invalid_execution_date',
    'guardrail/violation',
    'change_request/no_change',
  )
  @Post('projects/:projectKey/flags/:flagKey/environments/:envKey/change-requests')
  @ApiCreatedResponse({ type: ChangeRequestDto })
  createForFlag(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: CreateFlagChangeRequestDto,
  ) {
    return this.requests.create(a, 'flag', p, e, f, dto);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    ...SEGMENT_INSTRUCTIONS,
    'change_request/invalid_execution_date',
    'guardrail/violation',
    'change_request/no_change',
  )
  @Post('projects/:projectKey/environments/:envKey/segments/:segmentKey/change-requests')
  @ApiCreatedResponse({ type: ChangeRequestDto })
  createForSegment(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('segmentKey', KeyPipe) s: string,
    @Body() dto: CreateSegmentChangeRequestDto,
  ) {
    return this.requests.create(a, 'segment', p, e, s, dto);
  }

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    'patch/invalid_instruction',
    'patch/unknown_instruction',
    'environment/last',
    'change_request/invalid_execution_date',
    'change_request/no_change',
  )
  @Post('projects/:projectKey/environments/:envKey/change-requests')
  @ApiCreatedResponse({ type: ChangeRequestDto })
  @ApiOperation({
    summary: "a change request for the environment's own protection",
    description:
      'instructions: updateEnvironment {name?, color?, critical?, tags?}, updateApprovalSettings {settings}, ' +
      'removeApprovalSettings, deleteEnvironment. Reviewed and applied like a flag request; it binds to the ' +
      "environment's governance version.",
  })
  createForEnvironment(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: CreateEnvironmentChangeRequestDto,
  ) {
    return this.requests.create(a, 'environment', p, e, e, dto);
  }

  @Problems(...AUTHENTICATED, 'request/invalid')
  @Get('change-requests')
  @ApiOkResponse({ type: ChangeRequestListDto })
  list(@CurrentActor() a: Actor, @Query() q: ChangeRequestQueryDto) {
    return this.requests.list(a, q);
  }
  @Problems(...AUTHENTICATED, 'request/invalid', 'change_request/not_found', 'auth/forbidden')
  @Get('change-requests/:id')
  @ApiOkResponse({ type: ChangeRequestDetailDto })
  get(@CurrentActor() a: Actor, @Param('id', uuid) id: Id) {
    return this.actions.get(a, id);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'change_request/not_found',
    'auth/forbidden',
    'change_request/not_requester',
    'change_request/invalid_execution_date',
    'guardrail/violation',
    ...FLAG_INSTRUCTIONS,
    'segment/not_found',
    'environment/last',
    'change_request/no_change',
    'change_request/not_open',
  )
  @Patch('change-requests/:id')
  @ApiOkResponse({ type: ChangeRequestDto })
  update(@CurrentActor() a: Actor, @Param('id', uuid) id: Id, @Body() dto: UpdateChangeRequestDto) {
    return this.requests.update(a, id, dto);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'change_request/not_found',
    'auth/forbidden',
    'change_request/not_open',
    'approval/self_review',
    'approval/reviewer_not_allowed',
  )
  @Post('change-requests/:id/reviews')
  @HttpCode(200)
  @ApiOkResponse({ type: ChangeRequestDto })
  review(@CurrentActor() a: Actor, @Param('id', uuid) id: Id, @Body() dto: ReviewChangeRequestDto) {
    return this.reviews.review(a, id, dto);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'change_request/not_found',
    'auth/forbidden',
    'change_request/already_applied',
    'change_request/not_open',
    'change_request/not_due',
    'change_request/conflict',
    'guardrail/violation',
    'approval/declined',
    'approval/insufficient_approvals',
    'flag/not_found',
    'segment/not_found',
    'flag/version_mismatch',
    'segment/version_mismatch',
    'flag/has_dependents',
    'environment/not_found',
    'approval/required',
    'freeze/active',
  )
  @Post('change-requests/:id/apply')
  @HttpCode(200)
  @ApiOkResponse({ type: ChangeRequestDto })
  apply(@CurrentActor() a: Actor, @Param('id', uuid) id: Id, @Body() dto: ApplyChangeRequestDto) {
    return this.applier.apply(a, id, dto);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'change_request/not_found',
    'auth/forbidden',
    'change_request/not_requester',
    'change_request/conflict',
    'change_request/not_open',
    'guardrail/violation',
  )
  @Post('change-requests/:id/rebase')
  @HttpCode(200)
  @ApiOkResponse({ type: ChangeRequestDto })
  rebase(@CurrentActor() a: Actor, @Param('id', uuid) id: Id) {
    return this.requests.rebase(a, id);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'change_request/not_found',
    'auth/forbidden',
    'change_request/not_requester',
    'change_request/not_open',
  )
  @Post('change-requests/:id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: ChangeRequestDto })
  cancel(@CurrentActor() a: Actor, @Param('id', uuid) id: Id) {
    return this.requests.cancel(a, id);
  }
  @Problems(
    ...AUTHENTICATED,
    'request/invalid',
    'change_request/not_found',
    'auth/forbidden',
    ...FLAG_INSTRUCTIONS,
    'segment/not_found',
  )
  @Get('change-requests/:id/diff')
  @ApiOkResponse({ type: ChangeRequestDiffDto })
  diff(@CurrentActor() a: Actor, @Param('id', uuid) id: Id) {
    return this.impacts.diff(a, id);
  }
  @Problems(
    ...AUTHENTICATED,
    'request/invalid',
    'change_request/not_found',
    'auth/forbidden',
    ...FLAG_INSTRUCTIONS,
    'segment/not_found',
  )
  @Get('change-requests/:id/impact')
  @ApiOkResponse({ type: ChangeRequestImpactDto })
  impact(@CurrentActor() a: Actor, @Param('id', uuid) id: Id) {
    return this.impacts.impact(a, id);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'change_request/not_found',
    'auth/forbidden',
    ...FLAG_INSTRUCTIONS,
    'segment/not_found',
  )
  @Post('change-requests/:id/impact')
  @HttpCode(200)
  @ApiOkResponse({
    type: ChangeRequestImpactDto,
    description: 'the same, over the environment sample and the supplied contexts',
  })
  impactWith(@CurrentActor() a: Actor, @Param('id', uuid) id: Id, @Body() dto: ImpactRequestDto) {
    return this.impacts.impact(a, id, dto);
  }
}
