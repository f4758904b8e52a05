import { ApiProperty } from '@nestjs/swagger';
import { BUILTIN_ROLE_NAMES, PolicyStatementDto, TOKEN_PURPOSES, type BuiltinRoleName } from './accounts.dto';

/** Response shapes of the accounts endpoints, for the OpenAPI document (the services build them). */

export class MemberDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: BUILTIN_ROLE_NAMES, nullable: true, description: 'null when the member only has custom roles' })
  role: BuiltinRoleName | null;
  @ApiProperty({ type: [String] }) customRoleKeys: string[];
  @ApiProperty({ type: [String] }) teamKeys: string[];
  @ApiProperty({ description: 'false while the member is deactivated: nothing of theirs authenticates' })
  active: boolean;
  @ApiProperty({ type: String, nullable: true, description: "the identity provider's id (SCIM externalId)" })
  externalId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class MemberListDto {
  @ApiProperty({ type: [MemberDto] }) items: MemberDto[];
}

export class MeDto {
  @ApiProperty({ enum: ['member', 'token', 'system'] }) kind: 'member' | 'token' | 'system';
  @ApiProperty({ description: 'member id, or token id for a service token' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: MemberDto, nullable: true }) member: MemberDto | null;
}

/** Who did something, as audit entries and versions record it (never a policy or a secret): one class, one component. */
export { ActorRefDto } from '../models/actor-ref.model';

export class TeamDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) memberIds: string[];
  @ApiProperty({ type: [String] }) customRoleKeys: string[];
}

export class TeamListDto {
  @ApiProperty({ type: [TeamDto] }) items: TeamDto[];
}

export class RoleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [PolicyStatementDto] }) policy: PolicyStatementDto[];
}

export class RoleListDto {
  @ApiProperty({ type: [RoleDto] }) items: RoleDto[];
}

export class TokenDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'last characters of the secret, to recognise it' }) hint: string;
  @ApiProperty({ enum: ['personal', 'service'] }) kind: 'personal' | 'service';
  @ApiProperty({ enum: TOKEN_PURPOSES, description: 'api: the REST API and GraphQL; scim: /scim/v2 only' })
  purpose: (typeof TOKEN_PURPOSES)[number];
  @ApiProperty({ type: String, nullable: true }) memberId: string | null;
  @ApiProperty({ enum: BUILTIN_ROLE_NAMES, nullable: true }) role: BuiltinRoleName | null;
  @ApiProperty({ type: [String] }) customRoleKeys: string[];
  @ApiProperty({ type: [PolicyStatementDto], nullable: true }) inlinePolicy: PolicyStatementDto[] | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedTokenDto extends TokenDto {
  @ApiProperty({ description: 'the secret: shown in this response only, never again' }) token: string;
}

export class TokenListDto {
  @ApiProperty({ type: [TokenDto] }) items: TokenDto[];
}

export class DecidingStatementDto {
  @ApiProperty({
    example: 'customRole:qa',
    description: "who contributed the statement: 'role:writer', 'customRole:<key>', 'token-inline'",
  })
  source: string;
  @ApiProperty({ type: 'integer' }) statementIndex: number;
  @ApiProperty({ type: PolicyStatementDto }) statement: PolicyStatementDto;
  @ApiProperty({ enum: ['allow', 'deny'] }) effect: 'allow' | 'deny';
}

export class ExplainSubjectDto {
  @ApiProperty({ enum: ['member', 'token', 'system'] }) kind: string;
  @ApiProperty() id: string;
}

export class DecisionDto {
  @ApiProperty() allowed: boolean;
  @ApiProperty() action: string;
  @ApiProperty({ description: 'canonical specifier of the resource' }) resource: string;
  @ApiProperty({
    type: DecidingStatementDto,
    nullable: true,
    description: 'null when no statement matched (denied by default)',
  })
  decidedBy: DecidingStatementDto | null;
  @ApiProperty() reason: string;
  @ApiProperty({ type: ExplainSubjectDto }) subject: ExplainSubjectDto;
}
