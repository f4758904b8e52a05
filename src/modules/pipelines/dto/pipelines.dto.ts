import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorRefDto, CreatorRefDto } from '../../accounts/models/actor-ref.model';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsKey, IsName, IsOmittable } from '../../../infra/http/validators';
import {
  ApprovalBypassDto,
  ApprovalBypassedField,
  BreakGlassDto,
  BypassField,
} from '../../../infra/http/break-glass.dto';
import { NamedValueDto } from '../../releases/dto/releases.dto';
import { PHASE_STATUSES, PlanPhaseDto, RUN_STATUSES } from './release-plans.dto';

export { STRATEGY_KINDS, StrategyDto } from './strategy.dto';
import { StrategyDto } from './strategy.dto';

export class AudienceDto {
  @IsKey('environment key') environmentKey: string;
  @ApiProperty({ type: StrategyDto }) @ValidateNested() @Type(() => StrategyDto) strategy: StrategyDto;
  @ApiPropertyOptional({
    default: false,
    description: 'open a change request for this audience and wait for its approval',
  })
  @IsOmittable()
  @IsBoolean()
  requireApproval?: boolean;
}

export class PhaseDto {
  @IsName() name: string;
  @ApiProperty({ type: [AudienceDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => AudienceDto)
  audiences: AudienceDto[];
}

export class CreatePipelineDto {
  @IsKey('pipeline key') key: string;
  @IsName() name: string;
  @ApiPropertyOptional({ maxLength: 1024 }) @IsOmittable() @IsString() @MaxLength(1024) description?: string;
  @ApiProperty({ type: [PhaseDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PhaseDto)
  phases: PhaseDto[];
}

export class UpdatePipelineDto {
  @IsName(true) name?: string;
  @ApiPropertyOptional({ maxLength: 1024 }) @IsOmittable() @IsString() @MaxLength(1024) description?: string;
  @ApiPropertyOptional({ type: [PhaseDto] })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PhaseDto)
  phases?: PhaseDto[];
}

export class StartPipelineReleaseDto {
  @IsKey('the release plan to go through (absent: the flag default plan: tag default, else project default)', true)
  planKey?: string;
  @IsKey('the former name of planKey (release pipelines are release plans)', true) pipelineKey?: string;
  @ApiProperty({ description: 'the variation to release' }) @IsString() @MaxLength(128) variationId: string;
  @BypassField() bypass?: BreakGlassDto;
}

/** Who started a run, and whether (and why) it went past a required approval at start. */
export class PipelineDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [PhaseDto] }) phases: PhaseDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PipelineListDto {
  @ApiProperty({ type: [PipelineDto] }) items: PipelineDto[];
}

export class AudienceStateDto {
  @ApiProperty({ type: 'integer', description: 'the plan phase' }) phase: number;
  @ApiProperty() environmentKey: string;
  @ApiProperty({ enum: PHASE_STATUSES }) status: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'when its trigger (manual, deploy, evaluation) fired' })
  triggeredAt?: string;
  @ApiPropertyOptional() triggeredBy?: string;
  @ApiPropertyOptional({ format: 'date-time' }) startedAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'soaking: when the phase counts as finished' })
  soakUntil?: string;
  @ApiPropertyOptional({ format: 'uuid' }) releaseId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) changeRequestId?: string;
  @ApiPropertyOptional() error?: string;
}

export class PipelineRunHistoryEntryDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: RUN_STATUSES }) status: string;
  @ApiProperty({ type: 'integer', description: 'the phase in force' }) phase: number;
  @ApiPropertyOptional({ type: ActorRefDto, description: "who did it (absent on the worker's own entries)" })
  actor?: ActorRefDto;
  @ApiProperty() note: string;
}

export class PipelineRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'the release plan (pipelineKey: its former name)' }) planKey: string;
  @ApiProperty() pipelineKey: string;
  @ApiProperty({ type: 'integer', description: 'the plan version the run started with' }) planVersion: number;
  @ApiProperty() flagKey: string;
  @ApiProperty() variationId: string;
  @ApiProperty({
    type: NamedValueDto,
    nullable: true,
    description: 'the variation released, named (null if the flag no longer has it)',
  })
  variation: NamedValueDto | null;
  @ApiProperty({ type: CreatorRefDto, description: 'who started the run' }) createdBy: CreatorRefDto;
  @ApiProperty({ enum: RUN_STATUSES }) status: string;
  @ApiProperty({ type: 'integer', description: 'the last phase that started' }) currentPhase: number;
  @ApiProperty({ type: [PlanPhaseDto], description: 'the plan phases the run started with' }) phases: PlanPhaseDto[];
  @ApiProperty({ type: [AudienceStateDto], description: 'one state per plan phase' }) audiences: AudienceStateDto[];
  @ApiProperty({ format: 'date-time', description: 'the last progress; expiry counts from here' })
  lastProgressAt: string;
  @ApiProperty({ type: 'integer' }) expireAfterMs: number;
  @ApiProperty({ type: [PipelineRunHistoryEntryDto], description: 'status transitions, oldest first' })
  history: PipelineRunHistoryEntryDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** The answer of a start: the run, and the bypasses it made when it went past required approvals. */
export class StartedPipelineRunDto extends PipelineRunDto {
  @ApprovalBypassedField() approvalBypassed?: ApprovalBypassDto[];
}
