import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsOmittable, PageLimit } from '../../../infra/http/validators';

export class AuditLogQueryDto {
  @ApiPropertyOptional({
    description: 'resource specifier with * wildcards, e.g. proj/*:env/production:flag/*; also matches children',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(1024)
  resource?: string;
  @ApiPropertyOptional({ description: 'member id (or token id for service tokens)' })
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  actor?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(128) action?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'entries linked to this change request' })
  @IsOmittable()
  @IsUUID()
  changeRequest?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOmittable() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOmittable() @IsISO8601({ strict: true }) to?: string;
  @PageLimit() limit?: number;
  @ApiPropertyOptional({ description: 'the `next` value of the previous page' })
  @IsOmittable()
  @IsString()
  @MaxLength(32)
  cursor?: string;
}
