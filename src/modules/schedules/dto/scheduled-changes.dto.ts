import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsString, MaxLength } from 'class-validator';
import { IsOmittable, MAX_LIST } from '../../../infra/http/validators';
import {
  ApprovalBypassDto,
  ApprovalBypassedField,
  BreakGlassDto,
  BypassField,
} from '../../../infra/http/break-glass.dto';
import { RefusalDto } from '../../../infra/http/api-schemas';
import { CreatorRefDto } from '../../accounts/models/actor-ref.model';
import { FLAG_INSTRUCTION_LIST_SCHEMA, instructionRef } from '../../../infra/http/instruction-schemas';

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
  @ApiProperty({ type: 'array', items: instructionRef('FlagInstruction') }) instructions: unknown[];
  @ApiProperty({ format: 'date-time' }) executionDate: string;
  @ApiProperty() comment: string;
  @ApiProperty({ enum: SCHEDULE_STATUSES }) status: string;
  @ApiProperty({
    type: CreatorRefDto,
    description:
      'who scheduled it; `bypass: true` and `bypassReason` when scheduling (or the latest edit of its instructions) ' +
      'went past a required approval (break-glass)',
  })
  createdBy: CreatorRefDto;
  @ApiProperty({ type: RefusalDto, nullable: true, description: 'why it failed (status failed)' })
  failure: RefusalDto | null;
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
