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
import { IsOmittable, KEY_PATTERN, PageLimit } from '../../../infra/http/validators';
import {
  ApprovalBypassDto,
  ApprovalBypassedField,
  BreakGlassDto,
  BypassField,
} from '../../../infra/http/break-glass.dto';
import { JSON_VALUE, PhaseOriginDto, RefusalDto } from '../../../infra/http/api-schemas';
import { ActorRefDto, CreatorRefDto } from '../../accounts/models/actor-ref.model';

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

/** A variation named by its value (and name, when it has one). */
export class NamedValueDto {
  @ApiProperty({ ...JSON_VALUE }) value: unknown;
  @ApiPropertyOptional() name?: string;
}

export class ReleaseTargetDto {
  @ApiProperty({ type: String, nullable: true, description: 'the rule released through; null: the fallthrough' })
  ruleId: string | null;
  @ApiProperty() toVariationId: string;
  @ApiPropertyOptional({ type: NamedValueDto, description: 'the variation, named when the release started' })
  toVariation?: NamedValueDto;
}

export class GuardSettingsDto {
  @ApiProperty({ type: [String] }) metrics: string[];
  @ApiProperty({ enum: ['pause', 'rollback'] }) onRegression: string;
  @ApiProperty({ type: 'integer' }) minSamplePerArm: number;
  @ApiProperty() alpha: number;
}

/** One metric's verdict; the statistics are there once each arm has enough contexts. */
export class GuardVerdictDto {
  @ApiProperty({ enum: ['insufficient_data', 'regression', 'no_regression_yet', 'safe'] }) verdict: string;
  @ApiProperty({ type: 'integer' }) nControl: number;
  @ApiProperty({ type: 'integer' }) nTreatment: number;
  @ApiPropertyOptional({ type: 'integer', description: 'insufficient_data: contexts needed in each arm' })
  minSamplePerArm?: number;
  @ApiPropertyOptional() controlMean?: number;
  @ApiPropertyOptional() treatmentMean?: number;
  @ApiPropertyOptional({ description: 'treatment mean − control mean, in metric units' }) difference?: number;
  @ApiPropertyOptional({ description: 'threshold × |control mean|' }) margin?: number;
  @ApiPropertyOptional() variance?: number;
  @ApiPropertyOptional({ description: 'always-valid confidence sequence for difference, lower end' }) ciLower?: number;
  @ApiPropertyOptional() ciUpper?: number;
  @ApiPropertyOptional() logLikelihoodRatio?: number;
  @ApiPropertyOptional({ description: 'always-valid p-value for "no difference"' }) pValue?: number;
  @ApiPropertyOptional() alpha?: number;
  @ApiPropertyOptional() tau?: number;
}

export class MetricVerdictDto {
  @ApiProperty() metric: string;
  @ApiProperty({ type: GuardVerdictDto }) result: GuardVerdictDto;
}

export class GuardCheckDto {
  @ApiProperty({
    enum: ['regression', 'insufficient_data', 'ok'],
    description: 'regression if any metric regressed, else insufficient_data if any lacks data, else ok',
  })
  outcome: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: [MetricVerdictDto] }) metrics: MetricVerdictDto[];
}

export class ReleaseHistoryEntryDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: RELEASE_STATUSES }) status: string;
  @ApiProperty({ type: 'integer', description: 'the stage in force; -1 before the first step' }) stage: number;
  @ApiProperty({ type: ActorRefDto }) actor: ActorRefDto;
  @ApiProperty() note: string;
}

export class GuardArmPointDto {
  @ApiProperty({ type: Number, nullable: true, description: "the metric's mean; null until each arm has enough data" })
  value: number | null;
  @ApiProperty({ type: 'integer', description: 'contexts in this arm' }) sampleSize: number;
}

/** One metric at one guard check; the statistics are null while an arm lacks data. */
export class GuardMetricPointDto {
  @ApiProperty() metric: string;
  @ApiProperty({ enum: ['insufficient_data', 'regression', 'no_regression_yet', 'safe'] }) verdict: string;
  @ApiProperty({ type: GuardArmPointDto, description: 'the old variations' }) control: GuardArmPointDto;
  @ApiProperty({ type: GuardArmPointDto, description: 'the released variation' }) treatment: GuardArmPointDto;
  @ApiProperty({ type: Number, nullable: true, description: 'treatment − control' }) difference: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'always-valid confidence sequence of the difference' })
  ciLower: number | null;
  @ApiProperty({ type: Number, nullable: true }) ciUpper: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'control value + ciLower: the treatment mean, lower bound',
  })
  treatmentLower: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'control value + ciUpper' }) treatmentUpper: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'the regression tolerated, in metric units' })
  margin: number | null;
}

export class GuardSeriesPointDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: 'integer', description: 'the stage in force when the guard was asked' }) stage: number;
  @ApiProperty({ enum: ['regression', 'insufficient_data', 'ok'] }) outcome: string;
  @ApiProperty({
    enum: ['continue', 'promote', 'pause', 'rollback'],
    description: 'continue: the stage held for more data; promote: the release went on; pause/rollback: a regression',
  })
  decision: string;
  @ApiProperty({ type: [GuardMetricPointDto] }) metrics: GuardMetricPointDto[];
}

export class ReleaseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() projectKey: string;
  @ApiProperty() environmentKey: string;
  @ApiProperty() flagKey: string;
  @ApiProperty({ enum: RELEASE_STATUSES }) status: string;
  @ApiProperty({ type: ReleaseTargetDto }) target: ReleaseTargetDto;
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
    type: CreatorRefDto,
    description: 'who started it; `bypass` and `bypassReason` when it went past a required approval (break-glass)',
  })
  createdBy: CreatorRefDto;
  @ApiProperty({
    type: PhaseOriginDto,
    nullable: true,
    description: 'the release plan run and phase that started it; null when started directly',
  })
  origin: PhaseOriginDto | null;
  @ApiProperty({ type: RefusalDto, nullable: true, description: 'why a step failed (status failed)' })
  failure: RefusalDto | null;
  @ApiProperty({ type: GuardSettingsDto, nullable: true, description: 'guarded releases only' })
  guard: GuardSettingsDto | null;
  @ApiProperty({ type: GuardCheckDto, nullable: true, description: 'the last guard check (guarded releases)' })
  guardResult: GuardCheckDto | null;
  @ApiProperty({ type: [ReleaseHistoryEntryDto], description: 'status transitions, oldest first' })
  history: ReleaseHistoryEntryDto[];
  @ApiPropertyOptional({
    type: [GuardSeriesPointDto],
    description:
      "guarded releases, when one release is read: the guard's checks over time, oldest first " +
      '(a repeated wait for data on the same sample sizes is kept once)',
  })
  guardChecks?: GuardSeriesPointDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ProjectReleasesQueryDto {
  @ApiPropertyOptional({ description: 'only this flag' })
  @IsOmittable()
  @Matches(KEY_PATTERN)
  @MaxLength(128)
  flag?: string;
  @ApiPropertyOptional({ description: 'only this environment (key)' })
  @IsOmittable()
  @Matches(KEY_PATTERN)
  @MaxLength(128)
  environment?: string;
  @ApiPropertyOptional({ enum: RELEASE_STATUSES, description: 'only releases in this state' })
  @IsOmittable()
  @IsIn(RELEASE_STATUSES)
  state?: (typeof RELEASE_STATUSES)[number];
  @PageLimit() limit?: number;
  @ApiPropertyOptional({ description: 'the `next` value of the previous page' })
  @IsOmittable()
  @IsString()
  @MaxLength(80)
  cursor?: string;
}

export class ReleasePageDto {
  @ApiProperty({ type: [ReleaseDto], description: 'newest first' }) items: ReleaseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor of the next (older) page' }) next: string | null;
}

export class ReleaseListDto {
  @ApiProperty({ type: [ReleaseDto], description: 'newest first' }) items: ReleaseDto[];
}

/** The answer of a start: the release, and the bypass it made when it went past a required approval. */
export class StartedReleaseDto extends ReleaseDto {
  @ApprovalBypassedField() approvalBypassed?: ApprovalBypassDto[];
}
