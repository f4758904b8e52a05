import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsString, MaxLength } from 'class-validator';
import { IsOmittable, MAX_LIST } from '../../../infra/http/validators';
import { FLAG_INSTRUCTION_LIST_SCHEMA } from '../../flags/dto/flags.dto';
import {
  ApprovalBypassDto,
  ApprovalBypassedField,
  BreakGlassDto,
  BypassField,
} from '../../../infra/http/break-glass.dto';

const INSTRUCTIONS =
  'semantic-patch instructions for this environment, validated now against the current configuration and again when due';

export class CreateScheduledChangeDto {
  @ApiProperty({ ...FLAG_INSTRUCTION_LIST_SCHEMA, description: INSTRUCTIONS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST)
  instructions: unknown[];
  @ApiProperty({ format: 'date-time', description: 'when to apply; must be in the future' })
  @IsISO8601({ strict: true })
  executionDate: string;
  @ApiPropertyOptional({ maxLength: 4096 }) @IsOmittable() @IsString() @MaxLength(4096) comment?: string;
  @BypassField() bypass?: BreakGlassDto;
}

export class UpdateScheduledChangeDto {
  @ApiPropertyOptional({ ...FLAG_INSTRUCTION_LIST_SCHEMA, description: INSTRUCTIONS })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST)
  instructions?: unknown[];
  @ApiPropertyOptional({ format: 'date-time' }) @IsOmittable() @IsISO8601({ strict: true }) executionDate?: string;
  @ApiPropertyOptional({ maxLength: 4096 }) @IsOmittable() @IsString() @MaxLength(4096) comment?: string;
  @BypassField() bypass?: BreakGlassDto;
}

export const SCHEDULE_STATUSES = ['pending', 'applied', 'failed'] as const;

export class ListScheduledChangesQueryDto {
  @ApiPropertyOptional({ enum: SCHEDULE_STATUSES }) @IsOmittable() @IsIn(SCHEDULE_STATUSES) status?: string;
}

export class ScheduledChangeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() projectKey: string;
  @ApiProperty() environmentKey: string;
  @ApiProperty() flagKey: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) instructions: unknown[];
  @ApiProperty({ format: 'date-time' }) executionDate: string;
  @ApiProperty() comment: string;
  @ApiProperty({ enum: SCHEDULE_STATUSES }) status: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'actor reference; `bypass: true` and `bypassReason` when scheduling (or the latest edit of its instructions) ' +
      'went past a required approval (break-glass)',
  })
  createdBy: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'why it failed: code, message, errors (per instruction)',
  })
  failure: Record<string, unknown> | null;
  @ApiProperty({ type: 'integer', nullable: true }) appliedVersion: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) appliedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** The answer of a creation: the schedule, and the bypass it made when it went past a required approval. */
export class CreatedScheduledChangeDto extends ScheduledChangeDto {
  @ApprovalBypassedField() approvalBypassed?: ApprovalBypassDto[];
}

export class ScheduledChangeListDto {
  @ApiProperty({ type: [ScheduledChangeDto], description: 'earliest first' }) items: ScheduledChangeDto[];
}
