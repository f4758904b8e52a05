import { ApprovalBypassDto, ApprovalBypassedField } from '../../../infra/http/break-glass.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ClauseDto } from '../../flags/dto/flags.responses';
import { GuardrailWarningDto } from '../../guardrails/dto/guardrails.dto';

/** Response shapes of the segment endpoints (core/model/flag-config.ts SegmentConfig), for the OpenAPI document. */

export class SegmentTargetDto {
  @ApiProperty() contextKind: string;
  @ApiProperty({ type: [String] }) values: string[];
}

export class SegmentRuleDto {
  @ApiProperty() _id: string;
  @ApiProperty({ type: [ClauseDto] }) clauses: ClauseDto[];
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 100000,
    description: 'share of matching contexts included, thousandths of a percent; absent = all',
  })
  weight?: number;
  @ApiPropertyOptional() bucketBy?: string;
  @ApiPropertyOptional() rolloutContextKind?: string;
  @ApiPropertyOptional() description?: string;
}

export class SegmentDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty({ type: [String], description: 'user keys included' }) included: string[];
  @ApiProperty({ type: [String], description: 'user keys excluded' }) excluded: string[];
  @ApiProperty({ type: [SegmentTargetDto] }) includedContexts: SegmentTargetDto[];
  @ApiProperty({ type: [SegmentTargetDto] }) excludedContexts: SegmentTargetDto[];
  @ApiProperty({ type: [SegmentRuleDto] }) rules: SegmentRuleDto[];
  @ApiProperty() salt: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty() deleted: boolean;
  @ApprovalBypassedField() approvalBypassed?: ApprovalBypassDto[];
  @ApiPropertyOptional({
    type: [GuardrailWarningDto],
    description: 'write responses only: the guardrail warn rules the write broke (absent when none)',
  })
  warnings?: GuardrailWarningDto[];
}

export class SegmentListDto {
  @ApiProperty({ type: [SegmentDto] }) items: SegmentDto[];
}
