import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { BUILTIN_ROLE_NAMES, type BuiltinRoleName } from '../../accounts/dto/accounts.dto';

export class TokenSignInDto {
  @ApiProperty({ description: "a member's personal access token; the session acts as that member" })
  @IsString()
  @Length(1, 512)
  token: string;
}

class SessionMemberDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: BUILTIN_ROLE_NAMES, nullable: true }) role: BuiltinRoleName | null;
}

export class SessionDto {
  @ApiProperty({ type: SessionMemberDto }) member: SessionMemberDto;
  @ApiProperty({
    description: 'send as the X-CSRF-Token header on every cookie-authenticated request that is not GET/HEAD',
  })
  csrfToken: string;
  @ApiProperty({ enum: ['token', 'oidc'] }) method: 'token' | 'oidc';
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

class TokenMethodDto {
  @ApiProperty() enabled: boolean;
}

class OidcMethodDto {
  @ApiProperty() enabled: boolean;
  @ApiPropertyOptional() displayName?: string;
  @ApiPropertyOptional({ description: 'GET it with ?returnTo=/ui/... to sign in' }) loginUrl?: string;
}

export class SignInMethodsDto {
  @ApiProperty({ type: TokenMethodDto }) token: TokenMethodDto;
  @ApiProperty({ type: OidcMethodDto }) oidc: OidcMethodDto;
}
