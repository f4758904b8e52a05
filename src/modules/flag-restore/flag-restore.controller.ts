import { Body, Controller, HttpCode, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { FLAG_WRITE } from '../flags/flag.problems';
import { IN_ENVIRONMENT } from '../projects/project.problems';
import type { BreakGlass } from '../write-path/break-glass';
import { BypassHeader } from '../write-path/break-glass.decorator';
import { RestoreFlagVersionDto, RestoreResultDto } from './dto/restore.dto';
import { FlagRestoreService } from './flag-restore.service';

@ApiTags('flags')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey/flags/:flagKey/environments/:envKey/versions/:version')
export class FlagRestoreController {
  constructor(private readonly restorer: FlagRestoreService) {}

  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    ...IN_ENVIRONMENT,
    ...FLAG_WRITE,
    'flag_version/not_found',
    'flag_version/variation_removed',
    'flag_version/prerequisite_removed',
    'flag_version/segment_removed',
    'flag_version/restore_too_large',
    'approval/bypass_reason_required',
    'change_request/no_change',
  )
  @Post('restore')
  @HttpCode(200)
  @ApiOkResponse({ type: RestoreResultDto, description: 'dry run, restored (committed) or already that version' })
  @ApiAcceptedResponse({ type: RestoreResultDto, description: 'approval required: a change request was opened' })
  restore(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('flagKey', KeyPipe) f: string,
    @Param('envKey', KeyPipe) e: string,
    @Param('version', ParseIntPipe) v: number,
    @Body() dto: RestoreFlagVersionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.restorer
      .restore(a, p, f, e, v, dto, bypass)
      .then((r) => (reply.status(r.status === 'pending' ? 202 : 200), r));
  }
}
