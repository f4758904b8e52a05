import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsString,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { CHANGE_REQUEST_STATUSES } from '../../../core/approval';
import { IsKey, IsOmittable, MAX_LIST, PageLimit } from '../../../infra/http/validators';
import { instructionListSchema } from '../../../infra/http/instruction-schemas';
import { RESOURCE_KINDS } from '../../write-path/resource-writer';

const INSTRUCTIONS_DESCRIPTION =
  "semantic-patch instructions of the request's resource kind (as its PATCH takes them); validated against the current configuration";
const EXECUTION_DATE = 'apply automatically at this time once approved (status `scheduled`); must be in the future';

export class CreateChangeRequestDto {
  @ApiPropertyOptional({ maxLength: 4096 }) @IsOmittable() @IsString() @MaxLength(4096) description?: string;
  @ApiProperty({ ...instructionListSchema('AnyInstruction', MAX_LIST), description: INSTRUCTIONS_DESCRIPTION })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST)
  instructions: unknown[];
  @ApiPropertyOptional({ format: 'date-time', description: EXECUTION_DATE })
  @IsOmittable()
  @IsISO8601({ strict: true })
  executionDate?: string;
}

/** The body of a flag's change request: flag instructions, as PATCH on the flag takes them. */
export class CreateFlagChangeRequestDto extends CreateChangeRequestDto {
  @ApiProperty({ ...instructionListSchema('FlagInstruction', MAX_LIST), description: INSTRUCTIONS_DESCRIPTION })
  override instructions: unknown[];
}

/** The body of a segment's change request: segment instructions. */
export class CreateSegmentChangeRequestDto extends CreateChangeRequestDto {
  @ApiProperty({ ...instructionListSchema('SegmentInstruction', MAX_LIST), description: INSTRUCTIONS_DESCRIPTION })
  override instructions: unknown[];
}

/** The body of an environment's change request: instructions on its settings and protection. */
export class CreateEnvironmentChangeRequestDto extends CreateChangeRequestDto {
  @ApiProperty({
    ...instructionListSchema('EnvironmentInstruction', 20),
    description: "instructions on the environment's own settings and protection, validated now and when applied",
  })
  override instructions: unknown[];
}

/** Editing instructions or the execution date changes the content hash: earlier reviews stop counting. */
export class UpdateChangeRequestDto {
  @ApiPropertyOptional({ maxLength: 4096 }) @IsOmittable() @IsString() @MaxLength(4096) description?: string;
  @ApiPropertyOptional({ ...instructionListSchema('AnyInstruction', MAX_LIST), description: INSTRUCTIONS_DESCRIPTION })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST)
  instructions?: unknown[];
  @ApiPropertyOptional({ format: 'date-time', nullable: true, description: `${EXECUTION_DATE}; null removes it` })
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null)
  @IsISO8601({ strict: true })
  executionDate?: string | null;
}

export const REVIEW_DECISIONS = ['approve', 'decline', 'comment'] as const;

export class ReviewChangeRequestDto {
  @ApiProperty({ enum: REVIEW_DECISIONS }) @IsIn(REVIEW_DECISIONS) decision: (typeof REVIEW_DECISIONS)[number];
  @ApiPropertyOptional({ maxLength: 4096 }) @IsOmittable() @IsString() @MaxLength(4096) comment?: string;
}

export class ApplyChangeRequestDto {
  @ApiPropertyOptional({
    default: false,
    description:
      'apply although the resource changed since the base version (needs bypassRequiredApproval); the instructions must still apply',
  })
  @IsOmittable()
  @IsBoolean()
  override?: boolean;
  @ApiPropertyOptional({ maxLength: 4096 }) @IsOmittable() @IsString() @MaxLength(4096) comment?: string;
}

export class ChangeRequestQueryDto {
  @ApiPropertyOptional({ description: 'comma-separated statuses', example: 'pending,approved' })
  @IsOmittable()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value))
  @IsArray()
  @ArrayMaxSize(CHANGE_REQUEST_STATUSES.length)
  @IsIn(CHANGE_REQUEST_STATUSES, { each: true })
  status?: string[];
  @IsKey('project key', true) projectKey?: string;
  @IsKey('environment key', true) environmentKey?: string;
  @ApiPropertyOptional({ enum: RESOURCE_KINDS }) @IsOmittable() @IsIn(RESOURCE_KINDS) resourceKind?: string;
  @IsKey('flag or segment key', true) resourceKey?: string;
  @ApiPropertyOptional({ description: 'member id, or service token id' })
  @IsOmittable()
  @IsString()
  @MaxLength(64)
  requester?: string;
  @ApiPropertyOptional({
    description: 'only pending requests the caller may review and has not decided on in their current form',
  })
  @IsOmittable()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  awaitingMyReview?: boolean;
  @PageLimit() limit?: number;
  @ApiPropertyOptional({
    format: 'date-time',
    description: "return requests created before this time (the previous page's `next`)",
  })
  @IsOmittable()
  @IsISO8601({ strict: true })
  cursor?: string;
}

export class ImpactRequestDto {
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    maxItems: 1000,
    description: "contexts to evaluate besides the environment's sample of recently seen ones",
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(1000)
  contexts?: unknown[];
  @ApiPropertyOptional({ default: true }) @IsOmittable() @IsBoolean() includeSample?: boolean;
}
