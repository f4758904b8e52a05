import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsOmittable, KEY_PATTERN } from '../../../infra/http/validators';
import {
  ApprovalBypassDto,
  ApprovalBypassedField,
  BreakGlassDto,
  BypassField,
} from '../../../infra/http/break-glass.dto';

export class StageDto {
  @ApiProperty({
    minimum: 1,
    maximum: 100000,
    description: "the target variation's share during this stage, thousandths of a percent; the last stage is 100000",
  })
  @IsInt()
  weight: number;
  @ApiProperty({
    minimum: 1000,
    maximum: 2592000000,
    description: 'how long this stage lasts (for the last stage: how long 100% is held before the release completes)',
  })
  @IsInt()
  durationMs: number;
}

export class GuardDto {
  @ApiProperty({
    type: [String],
    description: 'metric keys (defined at /api/v1/projects/{p}/metrics) the new variation is judged on',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(KEY_PATTERN, { each: true })
  metrics: string[];
  @ApiPropertyOptional({ enum: ['pause', 'rollback'], default: 'rollback' })
  @IsOmittable()
  @IsIn(['pause', 'rollback'])
  onRegression?: 'pause' | 'rollback';
  @ApiPropertyOptional({
    default: 100,
    minimum: 10,
    maximum: 1000000,
    description: 'contexts needed in each arm before a stage may advance',
  })
  @IsOmittable()
  @IsInt()
  @Min(10)
  @Max(1_000_000)
  minSamplePerArm?: number;
  @ApiPropertyOptional({
    default: 0.05,
    minimum: 0.001,
    maximum: 0.2,
    description: 'false-alarm rate of the sequential test, however often it is checked',
  })
  @IsOmittable()
  @IsNumber()
  @Min(0.001)
  @Max(0.2)
  alpha?: number;
}

export class StartReleaseDto {
  @ApiProperty({ description: 'the variation to release' }) @IsString() @MaxLength(128) toVariationId: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'release through this rule instead of the fallthrough',
  })
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(128)
  ruleId?: string | null;
  /** Checked in depth (increasing, ending at 100000, durations in range) by core/release, with the stage index. */
  @ApiProperty({ type: [StageDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages: StageDto[];
  @ApiPropertyOptional({
    type: GuardDto,
    description:
      'makes it a guarded release: each stage advances only when the metrics show no regression on enough data',
  })
  @IsOmittable()
  @ValidateNested()
  @Type(() => GuardDto)
  guard?: GuardDto;
  @ApiPropertyOptional({ maxLength: 4096 }) @IsOmittable() @IsString() @MaxLength(4096) comment?: string;
  @BypassField() bypass?: BreakGlassDto;
}

export const RELEASE_STATUSES = ['running', 'paused', 'completed', 'rolled_back', 'failed'] as const;

export class ReleaseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() projectKey: string;
  @ApiProperty() environmentKey: string;
  @ApiProperty() flagKey: string;
  @ApiProperty({ enum: RELEASE_STATUSES }) status: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: '{ ruleId, toVariationId, toVariation: { value, name? } }',
  })
  target: Record<string, unknown>;
  @ApiProperty({ type: [StageDto] }) stages: StageDto[];
  @ApiProperty({ type: 'integer', description: 'index of the stage in force; -1 before the first step' })
  currentStage: number;
  @ApiProperty({ type: 'integer', description: "the target variation's share now, thousandths" }) currentWeight: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when the next step is due (null when paused or finished)',
  })
  nextStepAt: string | null;
  @ApiProperty({ type: 'integer', nullable: true, description: 'time left in the stage when paused' }) remainingMs:
    number | null;
  @ApiProperty({ type: 'integer' }) baselineVersion: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'who started it: kind, id, name, email?, memberId?, tokenId?, bypass? (its final change needed approval), ' +
      'bypassReason? (the break-glass reason, when it was started past a required approval)',
  })
  createdBy: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) failure: Record<string, unknown> | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'guarded releases: metrics, onRegression, minSamplePerArm, alpha',
  })
  guard: Record<string, unknown> | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'the last guard check: outcome and per-metric statistics',
  })
  guardResult: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) history: unknown[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ReleaseListDto {
  @ApiProperty({ type: [ReleaseDto], description: 'newest first' }) items: ReleaseDto[];
}

/** The answer of a start: the release, and the bypass it made when it went past a required approval. */
export class StartedReleaseDto extends ReleaseDto {
  @ApprovalBypassedField() approvalBypassed?: ApprovalBypassDto[];
}
