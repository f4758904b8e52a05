import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';

export class RelayScopeEntryDto {
  @ApiProperty({ example: 'shop' }) project: string;
  @ApiProperty({
    type: [String],
    example: ['production'],
    description: 'environment keys of the project, or ["*"] for all of them (including ones created later)',
  })
  environments: string[];
}

/** Checked by core/relay/relay-scope and the service (one 400 `relay_credential/invalid` listing every problem), so only declared here. */
export class CreateRelayCredentialDto {
  @ApiProperty({ maxLength: 200, example: 'edge eu-west' }) @Allow() name: string;
  @ApiProperty({ type: [RelayScopeEntryDto], maxItems: 100 }) @Allow() scope: RelayScopeEntryDto[];
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) @Allow() expiresAt?: string | null;
}

export class RelayCredentialDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'the first characters of the secret' }) hint: string;
  @ApiProperty({ type: [RelayScopeEntryDto] }) scope: RelayScopeEntryDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) expiresAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
}

export class CreatedRelayCredentialDto extends RelayCredentialDto {
  @ApiProperty({ description: 'the secret (GANTRY_RELAY_TOKEN of the edge): shown here once, stored only hashed' })
  token: string;
}

export class RelayCredentialListDto {
  @ApiProperty({ type: [RelayCredentialDto] }) items: RelayCredentialDto[];
}
