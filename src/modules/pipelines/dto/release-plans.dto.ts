import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsKey, IsName, IsOmittable, KEY_PATTERN } from '../../../infra/http/validators';
import { MAX_PLAN_PHASES, TRIGGER_KINDS } from '../../../core/release';
import { StrategyDto } from './strategy.dto';

export class PlanTriggerDto {
  @ApiProperty({
    enum: TRIGGER_KINDS,
    description:
      'manual: POST .../release/phases/{n}/start; previous: the phase before finished (soak included), the run start for the first; ' +
      'with_previous: starts with the phase before; deploy: a deploy signal of `service` to the phase environment; ' +
      'first_evaluation: the first evaluation of the flag seen in the phase environment after the run started',
  })
  @IsString()
  kind: string;
  @ApiPropertyOptional({ description: 'deploy: the service whose deployment starts the phase' })
  @IsOmittable()
  @IsString()
  @MaxLength(128)
  service?: string;
}

export class PlanPhaseDto {
  @ApiPropertyOptional({ description: 'defaults to the environment key' }) @IsName(true) name?: string;
  @IsKey('environment key') environmentKey: string;
  @ApiProperty({ type: StrategyDto }) @ValidateNested() @Type(() => StrategyDto) strategy: StrategyDto;
  @ApiPropertyOptional({ default: false, description: 'open a change request for the phase and wait for its approval' })
  @IsOmittable()
  @IsBoolean()
  requireApproval?: boolean;
  @ApiPropertyOptional({
    type: 'integer',
    default: 0,
    description: 'hold after the audience step before the phase counts as finished',
  })
  @IsOmittable()
  @IsInt()
  soakMs?: number;
  @ApiPropertyOptional({
    default: false,
    description: "the phase's first write turns the flag on (else a flag that is off there refuses the start)",
  })
  @IsOmittable()
  @IsBoolean()
  turnFlagOn?: boolean;
  @ApiPropertyOptional({ type: PlanTriggerDto, description: 'what starts the phase (default: previous)' })
  @IsOmittable()
  @ValidateNested()
  @Type(() => PlanTriggerDto)
  trigger?: PlanTriggerDto;
}

const PhasesField = (optional: boolean) => (target: object, key: string) => {
  (optional ? ApiPropertyOptional : ApiProperty)({ type: [PlanPhaseDto] })(target, key);
  if (optional) IsOmittable()(target, key);
  IsArray()(target, key);
  ArrayMinSize(1)(target, key);
  ArrayMaxSize(MAX_PLAN_PHASES)(target, key);
  ValidateNested({ each: true })(target, key);
  Type(() => PlanPhaseDto)(target, key);
};

class PlanFieldsDto {
  @ApiPropertyOptional({ maxLength: 1024 }) @IsOmittable() @IsString() @MaxLength(1024) description?: string;
  @ApiPropertyOptional({ description: "the project's default plan (at most one: setting it moves it here)" })
  @IsOmittable()
  @IsBoolean()
  default?: boolean;
  @ApiPropertyOptional({ type: [String], description: 'the default plan for flags with one of these tags' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(KEY_PATTERN, { each: true })
  forTags?: string[];
  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1000,
    description: 'a run with no progress for this long expires (null/absent: GANTRY_RELEASE_PLAN_EXPIRE_MS, 14 days)',
  })
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null)
  @IsInt()
  expireAfterMs?: number | null;
}

export class CreateReleasePlanDto extends PlanFieldsDto {
  @IsKey('release plan key') key: string;
  @IsName() name: string;
  @PhasesField(false) phases: PlanPhaseDto[];
}

export class UpdateReleasePlanDto extends PlanFieldsDto {
  @IsName(true) name?: string;
  @PhasesField(true) phases?: PlanPhaseDto[];
}

export class ReleasePlanDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: 'integer', description: 'bumped by every edit; runs keep the version they started with' })
  version: number;
  @ApiProperty() default: boolean;
  @ApiProperty({ type: [String] }) forTags: string[];
  @ApiProperty({ type: 'integer', nullable: true }) expireAfterMs: number | null;
  @ApiProperty({ type: [PlanPhaseDto] }) phases: PlanPhaseDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ReleasePlanListDto {
  @ApiProperty({ type: [ReleasePlanDto] }) items: ReleasePlanDto[];
}

export class ResolvedReleasePlanDto {
  @ApiProperty({
    enum: ['explicit', 'tag', 'project'],
    description: 'why this plan: named in the request, the default for one of the flag tags, or the project default',
  })
  source: string;
  @ApiPropertyOptional({ description: 'the tag whose default it is (source tag)' }) tag?: string;
  @ApiProperty({ type: ReleasePlanDto }) plan: ReleasePlanDto;
}

export class ResolveReleasePlanQueryDto {
  @IsKey('an explicit plan to check instead of the defaults', true) planKey?: string;
}

export const PHASE_STATUSES = [
  'pending',
  'waiting_approval',
  'running',
  'soaking',
  'completed',
  'failed',
  'rolled_back',
  'aborted',
] as const;
export const RUN_STATUSES = ['running', 'paused', 'completed', 'failed', 'aborted', 'expired'] as const;
