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
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';

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

  @Problems(...AUTHENTICATED)
  @Get('me')
  @ApiOkResponse({ type: MeDto })
  me(@CurrentActor() a: Actor) {
    return this.members.me(a);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'policy/invalid_resource',
    'auth/forbidden',
    'member/not_found',
    'token/not_found',
  )
  @Post('authorization/explain')
  @HttpCode(200)
  @ApiOkResponse({ type: DecisionDto })
  explain(@CurrentActor() a: Actor, @Body() dto: ExplainDto) {
    return this.explainer.explain(a, dto);
  }

  @Problems(...AUTHENTICATED, 'auth/forbidden')
  @Get('members')
  @ApiOkResponse({ type: MemberListDto })
  listMembers(@CurrentActor() a: Actor) {
    return this.members.list(a);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'auth/forbidden',
    'role/not_found',
    'team/not_found',
    'member/already_exists',
  )
  @Post('members')
  @ApiCreatedResponse({ type: MemberDto })
  createMember(@CurrentActor() a: Actor, @Body() dto: CreateMemberDto) {
    return this.members.create(a, dto);
  }
  @Problems(...AUTHENTICATED, 'request/invalid', 'auth/forbidden', 'member/not_found')
  @Get('members/:id')
  @ApiOkResponse({ type: MemberDto })
  getMember(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.members.get(a, id);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'auth/forbidden',
    'member/not_found',
    'role/not_found',
    'team/not_found',
    'member/cannot_deactivate_self',
    'member/cannot_deactivate_owner',
  )
  @Patch('members/:id')
  @ApiOkResponse({ type: MemberDto })
  updateMember(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateMemberDto) {
    return this.members.update(a, id, dto);
  }
  @Problems(
    ...AUTHENTICATED,
    'request/invalid',
    'auth/forbidden',
    'member/not_found',
    'member/cannot_delete_self',
    'member/cannot_delete_owner',
  )
  @Delete('members/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteMember(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.members.remove(a, id);
  }

  @Problems(...AUTHENTICATED, 'auth/forbidden')
  @Get('teams')
  @ApiOkResponse({ type: TeamListDto })
  listTeams(@CurrentActor() a: Actor) {
    return this.teams.list(a);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'auth/forbidden',
    'member/not_found',
    'role/not_found',
    'team/already_exists',
  )
  @Post('teams')
  @ApiCreatedResponse({ type: TeamDto })
  createTeam(@CurrentActor() a: Actor, @Body() dto: CreateTeamDto) {
    return this.teams.create(a, dto);
  }
  @Problems(...AUTHENTICATED, 'request/invalid_key', 'auth/forbidden', 'team/not_found')
  @Get('teams/:key')
  @ApiOkResponse({ type: TeamDto })
  getTeam(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string) {
    return this.teams.get(a, key);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'request/invalid_key',
    'auth/forbidden',
    'team/not_found',
    'member/not_found',
    'role/not_found',
  )
  @Patch('teams/:key')
  @ApiOkResponse({ type: TeamDto })
  updateTeam(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string, @Body() dto: UpdateTeamDto) {
    return this.teams.update(a, key, dto);
  }
  @Problems(...AUTHENTICATED, 'request/invalid_key', 'auth/forbidden', 'team/not_found')
  @Delete('teams/:key')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteTeam(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string) {
    return this.teams.remove(a, key);
  }

  @Problems(...AUTHENTICATED, 'auth/forbidden')
  @Get('roles')
  @ApiOkResponse({ type: RoleListDto })
  listRoles(@CurrentActor() a: Actor) {
    return this.roles.list(a);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, 'auth/forbidden', 'policy/invalid', 'role/already_exists')
  @Post('roles')
  @ApiCreatedResponse({ type: RoleDto })
  createRole(@CurrentActor() a: Actor, @Body() dto: CreateRoleDto) {
    return this.roles.create(a, dto);
  }
  @Problems(...AUTHENTICATED, 'request/invalid_key', 'auth/forbidden', 'role/not_found')
  @Get('roles/:key')
  @ApiOkResponse({ type: RoleDto })
  getRole(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string) {
    return this.roles.get(a, key);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, 'request/invalid_key', 'auth/forbidden', 'policy/invalid', 'role/not_found')
  @Patch('roles/:key')
  @ApiOkResponse({ type: RoleDto })
  updateRole(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string, @Body() dto: UpdateRoleDto) {
    return this.roles.update(a, key, dto);
  }
  @Problems(...AUTHENTICATED, 'request/invalid_key', 'auth/forbidden', 'role/not_found')
  @Delete('roles/:key')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteRole(@CurrentActor() a: Actor, @Param('key', KeyPipe) key: string) {
    return this.roles.remove(a, key);
  }

  @Problems(...AUTHENTICATED)
  @Get('tokens')
  @ApiOkResponse({ type: TokenListDto })
  listTokens(@CurrentActor() a: Actor) {
    return this.tokens.list(a);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'auth/forbidden',
    'token/invalid_expiry',
    'token/member_required',
    'token/personal_with_policy',
    'token/scim_with_grants',
    'member/not_found',
    'role/not_found',
    'policy/invalid',
  )
  @Post('tokens')
  @ApiCreatedResponse({ type: CreatedTokenDto })
  createToken(@CurrentActor() a: Actor, @Body() dto: CreateTokenDto) {
    return this.tokens.create(a, dto);
  }
  @Problems(...AUTHENTICATED, 'request/invalid', 'auth/forbidden', 'token/not_found')
  @Delete('tokens/:id')
  @ApiOkResponse({ type: TokenDto, description: 'the revoked token' })
  revokeToken(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.tokens.revoke(a, id);
  }
}
