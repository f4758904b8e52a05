import { Body, Controller, Get, Headers, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateFlagDto, ListFlagsQueryDto, ListVersionsQueryDto, PatchFlagDto } from './dto/flags.dto';
import { FlagWriteService } from './flag-write.service';
import { FlagsService } from './flags.service';

@ApiTags('flags')
@ApiBearerAuth()
@Controller('api/v1/projects/:projectKey/flags')
export class FlagsController {
  constructor(private readonly flags: FlagsService, private readonly writer: FlagWriteService) {}

  @Get() list(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Query() q: ListFlagsQueryDto) { return this.flags.list(a, p, q); }
  @Post() create(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Body() dto: CreateFlagDto) { return this.writer.create(a, p, dto); }
  @Get(':flagKey') get(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string) { return this.flags.get(a, p, f); }

  @Patch(':flagKey')
  @ApiHeader({ name: 'If-Match', required: false, description: 'the environment config version (or the flag version for flag-level changes) the change was written against' })
  patch(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string, @Body() dto: PatchFlagDto, @Headers('if-match') ifMatch?: string) {
    return this.writer.patch(a, p, f, dto, ifMatch);
  }

  @Get(':flagKey/environments/:envKey/versions')
  versions(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string, @Param('envKey', KeyPipe) e: string, @Query() q: ListVersionsQueryDto) {
    return this.flags.versions(a, p, f, e, q);
  }

  @Get(':flagKey/environments/:envKey/versions/:version')
  version(@CurrentActor() a: Actor, @Param('projectKey', KeyPipe) p: string, @Param('flagKey', KeyPipe) f: string, @Param('envKey', KeyPipe) e: string, @Param('version', ParseIntPipe) v: number) {
    return this.flags.version(a, p, f, e, v);
  }
}
