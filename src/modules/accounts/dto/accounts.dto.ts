import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { IsKey, IsKeyList, IsName, MAX_LIST, IsOmittable } from '../../../infra/http/validators';

export const BUILTIN_ROLE_NAMES = ['reader', 'writer', 'admin', 'owner'] as const;
export type BuiltinRoleName = (typeof BUILTIN_ROLE_NAMES)[number];

export class PolicyStatementDto {
  @ApiProperty({ enum: ['allow', 'deny'] }) effect: 'allow' | 'deny';
  @ApiPropertyOptional({ type: [String] }) actions?: string[];
  @ApiPropertyOptional({ type: [String] }) notActions?: string[];
  @ApiPropertyOptional({ type: [String] }) resources?: string[];
  @ApiPropertyOptional({ type: [String] }) notResources?: string[];
}

export class CreateRoleDto {
  @IsKey('role key') key: string;
  @IsName() name: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(8192) description?: string;
  /** Validated in depth by core/policy (statement shape, actions, specifiers) with per-index errors. */
  @ApiProperty({ type: [PolicyStatementDto] }) @IsArray() @ArrayMaxSize(MAX_LIST) policy: unknown[];
}

export class UpdateRoleDto {
  @IsName(true) name?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(8192) description?: string;
  @ApiPropertyOptional({ type: [PolicyStatementDto] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_LIST)
  policy?: unknown[];
}

export class CreateMemberDto {
  @ApiProperty() @IsEmail() @MaxLength(320) email: string;
  @IsName() name: string;
  @ApiPropertyOptional({ enum: BUILTIN_ROLE_NAMES }) @IsOmittable() @IsIn(BUILTIN_ROLE_NAMES) role?: BuiltinRoleName;
  @IsKeyList('custom role keys') customRoleKeys?: string[];
  @IsKeyList('team keys') teamKeys?: string[];
}

export class UpdateMemberDto {
  @IsName(true) name?: string;
  @ApiPropertyOptional({
    description: 'false deactivates the member (their tokens and sessions are revoked at once); true reactivates',
  })
  @IsOmittable()
  @IsBoolean()
  active?: boolean;
  @ApiPropertyOptional({ enum: BUILTIN_ROLE_NAMES })
  @IsOptional()
  /* null removes the built-in role */
  @IsIn(BUILTIN_ROLE_NAMES)
  role?: BuiltinRoleName | null;
  @IsKeyList('custom role keys') customRoleKeys?: string[];
  @IsKeyList('team keys') teamKeys?: string[];
}

export class CreateTeamDto {
  @IsKey('team key') key: string;
  @IsName() name: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(8192) description?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_LIST)
  @IsUUID('all', { each: true })
  memberIds?: string[];
  @IsKeyList('custom role keys') customRoleKeys?: string[];
}

export class UpdateTeamDto {
  @IsName(true) name?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(8192) description?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_LIST)
  @IsUUID('all', { each: true })
  memberIds?: string[];
  @IsKeyList('custom role keys') customRoleKeys?: string[];
}

export const TOKEN_PURPOSES = ['api', 'scim'] as const;

export class CreateTokenDto {
  @IsName() name: string;
  @ApiPropertyOptional({
    enum: TOKEN_PURPOSES,
    default: 'api',
    description:
      'scim: a token for an identity provider, accepted by /scim/v2 only (owner or admin; no member, role or policy)',
  })
  @IsOmittable()
  @IsIn(TOKEN_PURPOSES)
  purpose?: (typeof TOKEN_PURPOSES)[number];
  @ApiPropertyOptional({
    description:
      'mint a personal token for this member (owner/admin); omit for a service token unless role/policy are omitted too',
  })
  @IsOmittable()
  @IsUUID()
  memberId?: string;
  @ApiPropertyOptional({ enum: BUILTIN_ROLE_NAMES }) @IsOmittable() @IsIn(BUILTIN_ROLE_NAMES) role?: BuiltinRoleName;
  @IsKeyList('custom role keys') customRoleKeys?: string[];
  @ApiPropertyOptional({ type: [PolicyStatementDto] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_LIST)
  inlinePolicy?: unknown[];
  @ApiPropertyOptional({ format: 'date-time' }) @IsOmittable() @IsISO8601({ strict: true }) expiresAt?: string;
}

export class ExplainDto {
  @ApiProperty({ example: 'updateOn' }) @IsString() @MaxLength(128) action: string;
  @ApiProperty({ example: 'proj/default:env/production:flag/checkout' }) @IsString() @MaxLength(1024) resource: string;
  @ApiPropertyOptional({ description: 'explain for this token instead of the caller' })
  @IsOmittable()
  @IsUUID()
  tokenId?: string;
  @ApiPropertyOptional({ description: 'explain for this member instead of the caller' })
  @IsOmittable()
  @IsUUID()
  memberId?: string;
}
