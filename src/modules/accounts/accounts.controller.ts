import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from './current-actor.decorator';
import {
  CreateMemberDto,
  CreateRoleDto,
  CreateTeamDto,
  CreateTokenDto,
  ExplainDto,
  UpdateMemberDto,
  UpdateRoleDto,
  UpdateTeamDto,
} from './dto/accounts.dto';
import {
  CreatedTokenDto,
  DecisionDto,
  MeDto,
  MemberDto,
  MemberListDto,
  RoleDto,
  RoleListDto,
  TeamDto,
  TeamListDto,
  TokenDto,
  TokenListDto,
} from './dto/accounts.responses';
import { ExplainService } from './explain.service';
import { MembersService } from './members.service';
import type { Actor } from './models/actor';
import { RolesService } from './roles.service';
import { TeamsService } from './teams.service';
import { TokensService } from './tokens.service';

@ApiTags('accounts')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1')
export class AccountsController {
  constructor(
    private readonly members: MembersService,
    private readonly teams: TeamsService,
    private readonly roles: RolesService,
    private readonly tokens: TokensService,
    private readonly explainer: ExplainService,
  ) {}

  @Get('me') @ApiOkResponse({ type: MeDto }) me(@CurrentActor() a: Actor) {
    return this.members.me(a);
  }
  @Post('authorization/explain') @HttpCode(200) @ApiOkResponse({ type: DecisionDto }) explain(
    @CurrentActor() a: Actor,
    @Body() dto: ExplainDto,
  ) {
    return this.explainer.explain(a, dto);
  }

  @Get('members') @ApiOkResponse({ type: MemberListDto }) listMembers(@CurrentActor() a: Actor) {
    return this.members.list(a);
  }
  @Post('members') @ApiCreatedResponse({ type: MemberDto }) createMember(
    @CurrentActor() a: Actor,
    @Body() dto: CreateMemberDto,
  ) {
    return this.members.create(a, dto);
  }
  @Get('members/:id') @ApiOkResponse({ type: MemberDto }) getMember(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ) {
    return this.members.get(a, id);
  }
  @Patch('members/:id') @ApiOkResponse({ type: MemberDto }) updateMember(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateMemberDto,
  ) {
    return this.members.update(a, id, dto);
  }
  @Delete('members/:id') @HttpCode(204) @ApiNoContentResponse() deleteMember(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ) {
    return this.members.remove(a, id);
  }

  @Get('teams') @ApiOkResponse({ type: TeamListDto }) listTeams(@CurrentActor() a: Actor) {
    return this.teams.list(a);
  }
  @Post('teams') @ApiCreatedResponse({ type: TeamDto }) createTeam(
    @CurrentActor() a: Actor,
    @Body() dto: CreateTeamDto,
  ) {
    return this.teams.create(a, dto);
  }
  @Get('teams/:key') @ApiOkResponse({ type: TeamDto }) getTeam(
    @CurrentActor() a: Actor,
    @Param('key', KeyPipe) key: string,
  ) {
    return this.teams.get(a, key);
  }
  @Patch('teams/:key') @ApiOkResponse({ type: TeamDto }) updateTeam(
    @CurrentActor() a: Actor,
    @Param('key', KeyPipe) key: string,
    @Body() dto: UpdateTeamDto,
  ) {
    return this.teams.update(a, key, dto);
  }
  @Delete('teams/:key') @HttpCode(204) @ApiNoContentResponse() deleteTeam(
    @CurrentActor() a: Actor,
    @Param('key', KeyPipe) key: string,
  ) {
    return this.teams.remove(a, key);
  }

  @Get('roles') @ApiOkResponse({ type: RoleListDto }) listRoles(@CurrentActor() a: Actor) {
    return this.roles.list(a);
  }
  @Post('roles') @ApiCreatedResponse({ type: RoleDto }) createRole(
    @CurrentActor() a: Actor,
    @Body() dto: CreateRoleDto,
  ) {
    return this.roles.create(a, dto);
  }
  @Get('roles/:key') @ApiOkResponse({ type: RoleDto }) getRole(
    @CurrentActor() a: Actor,
    @Param('key', KeyPipe) key: string,
  ) {
    return this.roles.get(a, key);
  }
  @Patch('roles/:key') @ApiOkResponse({ type: RoleDto }) updateRole(
    @CurrentActor() a: Actor,
    @Param('key', KeyPipe) key: string,
    @Body() dto: UpdateRoleDto,
  ) {
    return this.roles.update(a, key, dto);
  }
  @Delete('roles/:key') @HttpCode(204) @ApiNoContentResponse() deleteRole(
    @CurrentActor() a: Actor,
    @Param('key', KeyPipe) key: string,
  ) {
    return this.roles.remove(a, key);
  }

  @Get('tokens') @ApiOkResponse({ type: TokenListDto }) listTokens(@CurrentActor() a: Actor) {
    return this.tokens.list(a);
  }
  @Post('tokens') @ApiCreatedResponse({ type: CreatedTokenDto }) createToken(
    @CurrentActor() a: Actor,
    @Body() dto: CreateTokenDto,
  ) {
    return this.tokens.create(a, dto);
  }
  @Delete('tokens/:id') @ApiOkResponse({ type: TokenDto, description: 'the revoked token' }) revokeToken(
    @CurrentActor() a: Actor,
    @Param('id', ParseUUIDPipe) id: string,
  ) {
    return this.tokens.revoke(a, id);
  }
}
