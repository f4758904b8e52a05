import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import {
  CreateMemberDto,
  CreateRoleDto,
  CreateTeamDto,
  CreateTokenDto,
  ExplainDto,
  UpdateMemberDto,
  UpdateRoleDto,
  type BuiltinRoleName,
} from './accounts.dto';
import { GraphQLJSON } from '../../graphql/json.scalar';
import { OptionalField } from '../../graphql/optional-field';

@InputType('CreateRoleInput')
export class CreateRoleInput extends CreateRoleDto {
  @Field() override key: string;
  @Field() override name: string;
  @OptionalField(() => String) override description?: string;
  @Field(() => [GraphQLJSON], { description: 'statements: { effect, actions|notActions, resources|notResources }' })
  override policy: unknown[];
}

@InputType('UpdateRoleInput')
export class UpdateRoleInput extends UpdateRoleDto {
  @OptionalField(() => String) override name?: string;
  @OptionalField(() => String) override description?: string;
  @OptionalField(() => [GraphQLJSON]) override policy?: unknown[];
}

@InputType('CreateMemberInput')
export class CreateMemberInput extends CreateMemberDto {
  @Field() override email: string;
  @Field() override name: string;
  @OptionalField(() => String, { description: 'reader, writer, admin or owner' }) override role?: BuiltinRoleName;
  @OptionalField(() => [String]) override customRoleKeys?: string[];
  @OptionalField(() => [String]) override teamKeys?: string[];
}

@InputType('UpdateMemberInput')
export class UpdateMemberInput extends UpdateMemberDto {
  @OptionalField(() => String) override name?: string;
  @OptionalField(() => Boolean, { description: 'false deactivates (tokens and sessions revoked), true reactivates' })
  override active?: boolean;
  /** Not an OptionalField: as in REST, an explicit null removes the built-in role (custom roles only). */
  @Field(() => String, {
    nullable: true,
    description: 'reader, writer, admin or owner; null removes the built-in role',
  })
  override role?: BuiltinRoleName;
  @OptionalField(() => [String]) override customRoleKeys?: string[];
  @OptionalField(() => [String]) override teamKeys?: string[];
}

@InputType('CreateTeamInput')
export class CreateTeamInput extends CreateTeamDto {
  @Field() override key: string;
  @Field() override name: string;
  @OptionalField(() => String) override description?: string;
  @OptionalField(() => [ID]) override memberIds?: string[];
  @OptionalField(() => [String]) override customRoleKeys?: string[];
}

@InputType('CreateTokenInput')
export class CreateTokenInput extends CreateTokenDto {
  @Field() override name: string;
  @OptionalField(() => String, { description: "'api' (default) or 'scim': a token accepted by /scim/v2 only" })
  override purpose?: 'api' | 'scim';
  @OptionalField(() => ID, {
    description: 'mint a personal token for this member; omit for a service token unless role/policy are omitted too',
  })
  override memberId?: string;
  @OptionalField(() => String, { description: 'reader, writer, admin or owner' }) override role?: BuiltinRoleName;
  @OptionalField(() => [String]) override customRoleKeys?: string[];
  @OptionalField(() => [GraphQLJSON]) override inlinePolicy?: unknown[];
  @OptionalField(() => String, { description: 'ISO 8601, in the future' }) override expiresAt?: string;
}

/** `explain(...)`: the REST body as arguments (for the caller, or for another token or member). */
@ArgsType()
export class ExplainArgs extends ExplainDto {
  @Field({ description: "e.g. 'updateOn'" }) override action: string;
  @Field({ description: "e.g. 'proj/default:env/production:flag/checkout'" }) override resource: string;
  @OptionalField(() => ID) override tokenId?: string;
  @OptionalField(() => ID) override memberId?: string;
}
