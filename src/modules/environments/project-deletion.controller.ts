import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { AUTHENTICATED, Problems } from '../../infra/http/problems.decorator';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { IN_PROJECT } from '../projects/project.problems';
import type { BreakGlass } from '../write-path/break-glass';
import { BypassHeader } from '../write-path/break-glass.decorator';
import { EnvironmentsService } from './environments.service';

/**
 * DELETE of a project lives with the environments' governance (not in ProjectsController): it
 * removes every environment's protection, so it goes through their approval gate.
 */
@ApiTags('projects')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/projects')
export class ProjectDeletionController {
  constructor(private readonly envs: EnvironmentsService) {}

  @Problems(...AUTHENTICATED, ...IN_PROJECT, 'approval/required', 'approval/bypass_reason_required')
  @Delete(':projectKey')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @BypassHeader() bypass?: BreakGlass) {
    return this.envs.removeProject(a, p, bypass);
  }
}
