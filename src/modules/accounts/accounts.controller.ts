import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from './current-actor.decorator';
import { CreateMemberDto, CreateRoleDto, CreateTeamDto, CreateTokenDto, ExplainDto, UpdateMemberDto, UpdateRoleDto, UpdateTeamDto } from './dto/accounts.dto';
import { ExplainService } from './explain.service';
import { MembersService } from './members.service';
import type { Actor } from './models/actor';
import { RolesService } from './roles.service';
import { TeamsService } from './teams.service';
import { TokensService } from './tokens.service';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('api/v1')
export class AccountsController {
  constructor(
    private readonly members: MembersService,
    private readonly teams: TeamsService,
    private readonly roles: RolesService,
    private readonly tokens: TokensService,
    private readonly explainer: ExplainService,
  ) {}

  @Get('me') me(@CurrentActor() a: Actor) { return this.members.me(a); }
  @Post('authorization/explain') @HttpCode(200) explain(@CurrentActor() a: Actor, @Body() dto: ExplainDto) { return this.explainer.explain(a, dto); }

  @Get('members') listMembers(@CurrentActor() a: Actor) { return this.members.list(a); }
  @Post('members') createMember(@CurrentActor() a: Actor, @Body() dto: CreateMemberDto) { return this.members.create(a, dto); }
  @Get('members/:id') getMember(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) { return this.members.get(a, id); }
  @Patch('members/:id') updateMember(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateMemberDto) { return this.members.update(a, id, dto); }
  @Delete('members/:id') @HttpCode(204) deleteMember(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) { return this.members.remove(a, id); }

  @Get('teams') listTeams(@CurrentActor() a: Actor) { return this.teams.list(a); }
  @Post('teams') createTeam(@CurrentActor() a: Actor, @Body() dto: CreateTeamDto) { return this.teams.create(a, dto); }
  @Get('teams/:key') getTeam(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string) { return this.teams.get(a, key); }
  @Patch('teams/:key') updateTeam(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string, @Body() dto: UpdateTeamDto) { return this.teams.update(a, key, dto); }
  @Delete('teams/:key') @HttpCode(204) deleteTeam(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string) { return this.teams.remove(a, key); }

  @Get('roles') listRoles(@CurrentActor() a: Actor) { return this.roles.list(a); }
  @Post('roles') createRole(@CurrentActor() a: Actor, @Body() dto: CreateRoleDto) { return this.roles.create(a, dto); }
  @Get('roles/:key') getRole(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string) { return this.roles.get(a, key); }
  @Patch('roles/:key') updateRole(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string, @Body() dto: UpdateRoleDto) { return this.roles.update(a, key, dto); }
  @Delete('roles/:key') @HttpCode(204) deleteRole(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string) { return this.roles.remove(a, key); }

  @Get('tokens') listTokens(@CurrentActor() a: Actor) { return this.tokens.list(a); }
  @Post('tokens') createToken(@CurrentActor() a: Actor, @Body() dto: CreateTokenDto) { return this.tokens.create(a, dto); }
  @Delete('tokens/:id') revokeToken(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) { return this.tokens.revoke(a, id); }
}
