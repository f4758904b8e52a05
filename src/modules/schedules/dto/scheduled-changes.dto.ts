import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsString, MaxLength } from 'class-validator';
import { IsOmittable, MAX_LIST, PageLimit } from '../../../infra/http/validators';
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
  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'when to apply, in the future; required for a one-off change. For a recurring one (cron and timeZone): ' +
      'when it starts (its first occurrence at or after this instant; default now)',
  })
  @IsOmittable()
  @IsISO8601({ strict: true })
  executionDate?: string;
  @CronField() cron?: string;
  @TimeZoneField() timeZone?: string;
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
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'a one-off: the new time; a recurring schedule: start again from the first occurrence at or after it',
  })
  @IsOmittable()
  @IsISO8601({ strict: true })
  executionDate?: string;
  @CronField() cron?: string;
  @TimeZoneField() timeZone?: string;
  @ApiPropertyOptional({ maxLength: 4096 }) @IsOmittable() @IsString() @MaxLength(4096) comment?: string;
  @BypassField() bypass?: BreakGlassDto;
}

function CronField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      maxLength: 200,
      example: '0 9 * * 1-5',
      description:
        'a recurring schedule: five-field cron (minute hour day-of-month month day-of-week) read as wall-clock ' +
        'time in timeZone; each occurrence applies the instructions once. A one-off stays a one-off on an edit',
    }),
    IsOmittable(),
    IsString(),
    MaxLength(200),
  );
}

function TimeZoneField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      maxLength: 100,
      example: 'Europe/Berlin',
      description:
        'the IANA time zone of cron (required with it). Across daylight-saving changes a skipped wall-clock time ' +
        'runs an hour later and a repeated one runs once',
    }),
    IsOmittable(),
    IsString(),
    MaxLength(100),
  );
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
  @ApiProperty({ format: 'date-time', description: 'when it applies; for a recurring schedule, its next occurrence' })
  executionDate: string;
  @ApiProperty({ type: String, nullable: true, description: 'the recurrence (null for a one-off)' }) cron:
    string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the time zone of cron (null for a one-off)' })
  timeZone: string | null;
  @ApiProperty({
    type: [String],
    format: 'date-time',
    description: 'a pending recurring schedule: its next five occurrences (empty otherwise)',
  })
  nextOccurrences: string[];
  @ApiProperty() comment: string;
  @ApiProperty({
    enum: SCHEDULE_STATUSES,
    description: 'a recurring schedule stays pending; its occurrences (GET …/occurrences) say what each did',
  })
  status: string;
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

export const OCCURRENCE_OUTCOMES = ['applied', 'unchanged', 'failed', 'skipped', 'missed'] as const;

export class ListOccurrencesQueryDto {
  @PageLimit() limit?: number;
  @ApiPropertyOptional({ format: 'date-time', description: 'occurrences before this instant (the next page)' })
  @IsOmittable()
  @IsISO8601({ strict: true })
  before?: string;
}

export class ScheduledChangeOccurrenceDto {
  @ApiProperty({ format: 'date-time' }) occurrenceAt: string;
  @ApiProperty({
    enum: OCCURRENCE_OUTCOMES,
    description:
      'applied; unchanged (the configuration already matched); failed (refused by the write path: see failure); ' +
      'skipped (a change freeze); missed (no worker ran in time: only the latest passed occurrence is applied, late)',
  })
  outcome: string;
  @ApiProperty({ type: 'integer', nullable: true, description: 'the version it wrote or found' }) version:
    number | null;
  @ApiProperty({ type: RefusalDto, nullable: true }) failure: RefusalDto | null;
  @ApiProperty({ format: 'date-time' }) processedAt: string;
}

export class ScheduledChangeOccurrenceListDto {
  @ApiProperty({ type: [ScheduledChangeOccurrenceDto], description: 'newest first' })
  items: ScheduledChangeOccurrenceDto[];
}
