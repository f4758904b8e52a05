import { ParseUUIDPipe } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { KeyPipe } from '../../infra/http/key.pipe';
import {
  CreateMemberInput,
  CreateRoleInput,
  CreateTeamInput,
  CreateTokenInput,
  ExplainArgs,
  UpdateMemberInput,
  UpdateRoleInput,
} from './dto/accounts.input';
import { CurrentActor } from './current-actor.decorator';
import { ExplainService } from './explain.service';
import { MembersService } from './members.service';
import type { Actor } from './models/actor';
import { DecisionModel } from './models/decision.model';
import { MeModel } from './models/me.model';
import { MemberModel } from './models/member.model';
import { RoleModel } from './models/role.model';
import { TeamModel } from './models/team.model';
import { CreatedTokenModel, TokenModel } from './models/token.model';
import { RolesService } from './roles.service';
import { TeamsService } from './teams.service';
import { TokensService } from './tokens.service';

/** GraphQL twin of AccountsController: the same services, one call per field. */
@Resolver()
export class AccountsResolver {
  constructor(
    private readonly memberService: MembersService,
    private readonly teamService: TeamsService,
    private readonly roleService: RolesService,
    private readonly tokenService: TokensService,
    private readonly explainer: ExplainService,
  ) {}

  @Query(() => MeModel) me(@CurrentActor() a: Actor) {
    return this.memberService.me(a);
  }
  @Query(() => DecisionModel) explain(@CurrentActor() a: Actor, @Args() args: ExplainArgs) {
    return this.explainer.explain(a, args);
  }

  @Query(() => [MemberModel]) members(@CurrentActor() a: Actor) {
    return this.memberService.list(a).then((r) => r.items);
  }
  @Query(() => MemberModel) member(
    @CurrentActor() a: Actor,
    @Args('id', { type: () => ID }, ParseUUIDPipe) id: string,
  ) {
    return this.memberService.get(a, id);
  }
  @Mutation(() => MemberModel) createMember(@CurrentActor() a: Actor, @Args('input') input: CreateMemberInput) {
    return this.memberService.create(a, input);
  }
  @Mutation(() => MemberModel) updateMember(
    @CurrentActor() a: Actor,
    @Args('id', { type: () => ID }, ParseUUIDPipe) id: string,
    @Args('input') input: UpdateMemberInput,
  ) {
    return this.memberService.update(a, id, input);
  }
  @Mutation(() => Boolean) deleteMember(
    @CurrentActor() a: Actor,
    @Args('id', { type: () => ID }, ParseUUIDPipe) id: string,
  ) {
    return this.memberService.remove(a, id).then(() => true);
  }

  @Query(() => [TeamModel]) teams(@CurrentActor() a: Actor) {
    return this.teamService.list(a).then((r) => r.items);
  }
  @Query(() => TeamModel) team(@CurrentActor() a: Actor, @Args('key', KeyPipe) key: string) {
    return this.teamService.get(a, key);
  }
  @Mutation(() => TeamModel) createTeam(@CurrentActor() a: Actor, @Args('input') input: CreateTeamInput) {
    return this.teamService.create(a, input);
  }

  @Query(() => [RoleModel]) roles(@CurrentActor() a: Actor) {
    return this.roleService.list(a).then((r) => r.items);
  }
  @Query(() => RoleModel) role(@CurrentActor() a: Actor, @Args('key', KeyPipe) key: string) {
    return this.roleService.get(a, key);
  }
  @Mutation(() => RoleModel) createRole(@CurrentActor() a: Actor, @Args('input') input: CreateRoleInput) {
    return this.roleService.create(a, input);
  }
  @Mutation(() => RoleModel) updateRole(
    @CurrentActor() a: Actor,
    @Args('key', KeyPipe) key: string,
    @Args('input') input: UpdateRoleInput,
  ) {
    return this.roleService.update(a, key, input);
  }
  @Mutation(() => Boolean) deleteRole(@CurrentActor() a: Actor, @Args('key', KeyPipe) key: string) {
    return this.roleService.remove(a, key).then(() => true);
  }

  @Query(() => [TokenModel]) tokens(@CurrentActor() a: Actor) {
    return this.tokenService.list(a).then((r) => r.items);
  }
  @Mutation(() => CreatedTokenModel) createToken(@CurrentActor() a: Actor, @Args('input') input: CreateTokenInput) {
    return this.tokenService.create(a, input);
  }
  @Mutation(() => TokenModel) revokeToken(
    @CurrentActor() a: Actor,
    @Args('id', { type: () => ID }, ParseUUIDPipe) id: string,
  ) {
    return this.tokenService.revoke(a, id);
  }
}
