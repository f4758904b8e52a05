import type { BreakGlass } from '../write-path/break-glass';
import { BypassHeader } from '../write-path/break-glass.decorator';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateSegmentDto, ListSegmentsQueryDto, PatchSegmentDto } from './dto/segments.dto';
import { SegmentDto, SegmentListDto } from './dto/segments.responses';
import { SegmentWriteService } from './segment-write.service';
import { SegmentsService } from './segments.service';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { IN_ENVIRONMENT } from '../projects/project.problems';
import { SEGMENT_INSTRUCTIONS } from './segment.problems';
import { APPROVAL_GATE } from '../write-path/write-path.problems';

@ApiTags('segments')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/environments/:envKey/segments')
export class SegmentsController {
  constructor(
    private readonly segments: SegmentsService,
    private readonly writer: SegmentWriteService,
  ) {}

  @Problems(...AUTHENTICATED, 'request/invalid', ...IN_ENVIRONMENT)
  @Get()
  @ApiOkResponse({ type: SegmentListDto })
  list(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Query() q: ListSegmentsQueryDto,
  ) {
    return this.segments.list(a, p, e, q);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_ENVIRONMENT, 'segment/already_exists', 'guardrail/violation')
  @Post()
  @ApiCreatedResponse({ type: SegmentDto })
  create(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: CreateSegmentDto,
  ) {
    return this.writer.create(a, p, e, dto);
  }
  @Problems(...AUTHENTICATED, ...IN_ENVIRONMENT, 'segment/not_found')
  @Get(':segmentKey')
  @ApiOkResponse({ type: SegmentDto })
  get(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('segmentKey', KeyPipe) s: string,
  ) {
    return this.segments.get(a, p, e, s);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    ...SEGMENT_INSTRUCTIONS,
    'request/invalid_if_match',
    'segment/version_mismatch',
    ...APPROVAL_GATE,
    'guardrail/violation',
    'freeze/active',
  )
  @Patch(':segmentKey')
  @ApiOkResponse({ type: SegmentDto })
  @ApiHeader({
    name: 'if-match',
    required: false,
    description: 'the segment version the change was written against (412 when stale)',
  })
  patch(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('segmentKey', KeyPipe) s: string,
    @Body() dto: PatchSegmentDto,
    @Headers('if-match') ifMatch?: string,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.writer.patch(a, p, e, s, dto, ifMatch, bypass);
  }
  @Problems(...AUTHENTICATED, ...IN_ENVIRONMENT, 'segment/not_found', 'segment/in_use')
  @Delete(':segmentKey')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('segmentKey', KeyPipe) s: string,
  ) {
    return this.writer.remove(a, p, e, s);
  }
}
