import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsString, MaxLength, MinLength } from 'class-validator';
import { IsKeyList, IsName, IsOmittable } from '../../../infra/http/validators';
import { BreakGlassDto, BypassField } from '../../../infra/http/break-glass.dto';
import { ActorRefDto } from '../../accounts/models/actor-ref.model';

export class CreateFreezeDto {
  @IsName() name: string;
  @ApiPropertyOptional({ maxLength: 4096, description: 'why the freeze exists; shown in refusals' })
  @IsOmittable()
  @IsString()
  @MaxLength(4096)
  reason?: string;
  @IsKeyList('environments covered; omitted = every environment of the project, including ones created later')
  environmentKeys?: string[];
  @ApiPropertyOptional({ format: 'date-time', description: 'one-off window: start (with `to`)' })
  @IsOmittable()
  @IsISO8601({ strict: true })
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'one-off window: end, after `from`' })
  @IsOmittable()
  @IsISO8601({ strict: true })
  to?: string;
  @ApiPropertyOptional({
    description:
      'recurring window: 5-field cron expression of each start (minute hour day month weekday), e.g. `0 18 * * 5`',
    maxLength: 256,
  })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  cron?: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 10080,
    description: 'recurring window: length of each occurrence',
  })
  @IsOmittable()
  @IsInt()
  durationMinutes?: number;
  @ApiPropertyOptional({
    description: 'recurring window: IANA time zone the cron expression is read in',
    example: 'Europe/Berlin',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  timeZone?: string;
  @BypassField() bypass?: BreakGlassDto;
}

export class FreezeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() projectKey: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ type: [String], nullable: true, description: 'null = every environment of the project' })
  environmentKeys: string[] | null;
  @ApiProperty({ enum: ['once', 'recurring'] }) kind: 'once' | 'recurring';
  @ApiPropertyOptional({ format: 'date-time' }) from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) to?: string;
  @ApiPropertyOptional() cron?: string;
  @ApiPropertyOptional({ type: 'integer' }) durationMinutes?: number;
  @ApiPropertyOptional() timeZone?: string;
  @ApiProperty({ description: 'whether the window is in force now' }) active: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'while active: when it ends (overlapping occurrences merged)',
  })
  activeUntil: string | null;
  @ApiProperty({ type: ActorRefDto }) createdBy: ActorRefDto;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class FreezeListDto {
  @ApiProperty({ type: [FreezeDto], description: 'oldest first' }) items: FreezeDto[];
}
