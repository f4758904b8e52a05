import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorRefDto, CreatorRefDto } from '../../accounts/models/actor-ref.model';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { IsKey, IsName, IsOmittable } from '../../../infra/http/validators';
import {
  ApprovalBypassDto,
  ApprovalBypassedField,
  BreakGlassDto,
  BypassField,
} from '../../../infra/http/break-glass.dto';
import { GuardDto, NamedValueDto, StageDto } from '../../releases/dto/releases.dto';

export const STRATEGY_KINDS = ['immediate', 'staged', 'guarded'] as const;

export class StrategyDto {
  @ApiProperty({ enum: STRATEGY_KINDS }) @IsIn(STRATEGY_KINDS) kind: (typeof STRATEGY_KINDS)[number];
  @ApiPropertyOptional({ type: [StageDto], description: 'staged and guarded: the stages, as for a release' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages?: StageDto[];
  @ApiPropertyOptional({ type: GuardDto, description: 'guarded: the metrics and what to do on a regression' })
  @IsOmittable()
  @ValidateNested()
  @Type(() => GuardDto)
  guard?: GuardDto;
}

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
  @IsKey('pipeline key') pipelineKey: string;
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
  @ApiProperty({ type: 'integer' }) phase: number;
  @ApiProperty() environmentKey: string;
  @ApiProperty({ enum: ['pending', 'waiting_approval', 'running', 'completed', 'failed', 'aborted'] }) status: string;
  @ApiPropertyOptional({ format: 'uuid' }) releaseId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) changeRequestId?: string;
  @ApiPropertyOptional() error?: string;
}

export class PipelineRunHistoryEntryDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed', 'aborted'] }) status: string;
  @ApiProperty({ type: 'integer', description: 'the phase in force' }) phase: number;
  @ApiPropertyOptional({ type: ActorRefDto, description: "who did it (absent on the worker's own entries)" })
  actor?: ActorRefDto;
  @ApiProperty() note: string;
}

export class PipelineRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() pipelineKey: string;
  @ApiProperty() flagKey: string;
  @ApiProperty() variationId: string;
  @ApiProperty({
    type: NamedValueDto,
    nullable: true,
    description: 'the variation released, named (null if the flag no longer has it)',
  })
  variation: NamedValueDto | null;
  @ApiProperty({ type: CreatorRefDto, description: 'who started the run' }) createdBy: CreatorRefDto;
  @ApiProperty({ enum: ['running', 'completed', 'failed', 'aborted'] }) status: string;
  @ApiProperty({ type: 'integer' }) currentPhase: number;
  @ApiProperty({ type: [AudienceStateDto] }) audiences: AudienceStateDto[];
  @ApiProperty({ type: [PipelineRunHistoryEntryDto], description: 'status transitions, oldest first' })
  history: PipelineRunHistoryEntryDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** The answer of a start: the run, and the bypasses it made when it went past required approvals. */
export class StartedPipelineRunDto extends PipelineRunDto {
  @ApprovalBypassedField() approvalBypassed?: ApprovalBypassDto[];
}
