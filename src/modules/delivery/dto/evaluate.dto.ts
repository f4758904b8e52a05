import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { JSON_VALUE, NULLABLE_JSON_VALUE } from '../../../infra/http/api-schemas';

export class EvaluateDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'a LaunchDarkly context: {kind, key, ...attributes}, a multi-kind context, or a legacy user',
    example: { kind: 'user', key: 'user-123', email: 'ada@example.com' },
  })
  @IsObject()
  context: Record<string, unknown>;
}

export class EvaluationReasonDto {
  @ApiProperty({ enum: ['OFF', 'FALLTHROUGH', 'TARGET_MATCH', 'RULE_MATCH', 'PREREQUISITE_FAILED', 'ERROR'] })
  kind: string;
  @ApiPropertyOptional({ type: 'integer' }) ruleIndex?: number;
  @ApiPropertyOptional() ruleId?: string;
  @ApiPropertyOptional() prerequisiteKey?: string;
  @ApiPropertyOptional() inExperiment?: boolean;
  @ApiPropertyOptional() errorKind?: string;
}

export class TraceStepDto {
  @ApiProperty({ example: 'rule' }) step: string;
  @ApiProperty({ type: 'object', additionalProperties: { ...JSON_VALUE } }) detail: Record<string, unknown>;
}

export class EvaluationDto {
  @ApiProperty({ ...NULLABLE_JSON_VALUE }) value: unknown;
  @ApiProperty({ type: 'integer', nullable: true }) variationIndex: number | null;
  @ApiProperty({ type: EvaluationReasonDto }) reason: EvaluationReasonDto;
  @ApiProperty({
    type: [TraceStepDto],
    description: 'the path evaluation took: prerequisites, targets, rules and their clauses, segments, rollout',
  })
  trace: TraceStepDto[];
  @ApiProperty({ type: 'integer', description: 'environment revision of the configuration evaluated' })
  revision: number;
}
