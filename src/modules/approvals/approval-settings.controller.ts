import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import type { BreakGlass } from '../write-path/break-glass';
import { BypassHeader } from '../write-path/break-glass.decorator';
import { APPROVAL_GATE } from '../write-path/write-path.problems';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { ApprovalSettingsService } from './approval-settings.service';
import { ApprovalSettingsDto, ApprovalSettingsViewDto } from './dto/approval-settings.dto';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';
import { IN_ENVIRONMENT, IN_PROJECT } from '../projects/project.problems';

@ApiTags('approvals')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects/:projectKey')
export class ApprovalSettingsController {
  constructor(private readonly settings: ApprovalSettingsService) {}

  @Problems(...AUTHENTICATED, ...IN_ENVIRONMENT)
  @Get('environments/:envKey/approval-settings')
  @ApiOkResponse({ type: ApprovalSettingsViewDto })
  get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('envKey', KeyPipe) e: string) {
    return this.settings.get(a, p, e);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_ENVIRONMENT, 'approval/unknown_team', ...APPROVAL_GATE)
  @Put('environments/:envKey/approval-settings')
  @ApiOkResponse({ type: ApprovalSettingsViewDto })
  put(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Param('envKey', KeyPipe) e: string,
    @Body() dto: ApprovalSettingsDto,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.settings.put(a, p, e, dto, bypass);
  }

  @Problems(...AUTHENTICATED, ...IN_PROJECT)
  @Get('approval-settings')
  @ApiOkResponse({
    type: ApprovalSettingsViewDto,
    description: 'defaults for environments without settings of their own',
  })
  getDefaults(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) {
    return this.settings.getDefaults(a, p);
  }

  @Problems(...AUTHENTICATED, ...JSON_BODY, ...IN_PROJECT, 'approval/unknown_team', ...APPROVAL_GATE)
  @Put('approval-settings')
  @ApiOkResponse({ type: ApprovalSettingsViewDto })
  putDefaults(
    @CurrentActor() a: Actor,
    @Param('projectKey', KeyPipe) p: string,
    @Body() dto: ApprovalSettingsDto,
    @BypassHeader() bypass?: BreakGlass,
  ) {
    return this.settings.putDefaults(a, p, dto, bypass);
  }
}
