import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateEnvironmentDto, RotateKeyDto, UpdateEnvironmentDto } from '../projects/dto/projects.dto';
import { EnvironmentsService } from './environments.service';

@ApiTags('environments')
@ApiBearerAuth()
@Controller('api/v1/projects/:projectKey/environments')
export class EnvironmentsController {
  constructor(private readonly envs: EnvironmentsService) {}

  @Get() list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string) { return this.envs.list(a, p); }
  @Post() create(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: CreateEnvironmentDto) { return this.envs.create(a, p, dto); }
  @Get(':envKey') get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('envKey', KeyPipe) e: string) { return this.envs.get(a, p, e); }
  @Patch(':envKey') update(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('envKey', KeyPipe) e: string, @Body() dto: UpdateEnvironmentDto) { return this.envs.update(a, p, e, dto); }
  @Post(':envKey/rotate-key') @HttpCode(200) rotate(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('envKey', KeyPipe) e: string, @Body() dto: RotateKeyDto) { return this.envs.rotate(a, p, e, dto); }
  @Delete(':envKey') @HttpCode(204) remove(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('envKey', KeyPipe) e: string) { return this.envs.remove(a, p, e); }
}
