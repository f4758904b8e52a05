import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { GUARDRAIL_EFFECTS, GUARDRAIL_RULE_KINDS, type GuardrailRule } from '../../../core/guardrail';
import { BreakGlassDto, BypassField } from '../../../infra/http/break-glass.dto';

export class GuardrailRuleDto {
  @ApiProperty({ enum: GUARDRAIL_RULE_KINDS, description: 'the rule kind; each kind takes the fields listed for it' })
  kind: GuardrailRule['kind'];
  @ApiProperty({
    enum: GUARDRAIL_EFFECTS,
    description: 'block: 422 guardrail/violation; warn: the write carries a warning',
  })
  effect: 'block' | 'warn';
  @ApiPropertyOptional({
    description: 'flagKeyPattern: a glob new flag keys must match (* any run, ? one character, [a-z] [!a-z] sets)',
    maxLength: 256,
  })
  pattern?: string;
  @ApiPropertyOptional({ type: [String], description: 'requiredTags: tags every flag must carry' })
  tags?: string[];
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 100000,
    description: "maxRolloutIncrease: how far one change may raise a variation's share (fallthrough, each rule)",
  })
  thousandths?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'maxClauseValues: values per clause' })
  max?: number;
}

/**
 * The body of PUT .../guardrail-policies/{key}. Fields are checked by core/guardrail (one 400
 * `guardrail/invalid` listing every problem), so they are only declared here.
 */
export class PutGuardrailPolicyDto {
  @ApiProperty({ maxLength: 256 }) @Allow() name: string;
  @ApiPropertyOptional({ maxLength: 8192 }) @Allow() description?: string;
  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    description: 'environments the environment rules apply in; omit (or null) for every environment of the project',
  })
  @Allow()
  environmentKeys?: string[] | null;
  @ApiProperty({ type: [GuardrailRuleDto], minItems: 1, maxItems: 50 }) @Allow() rules: unknown[];
  @BypassField() bypass?: BreakGlassDto;
}

export class GuardrailPolicyDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String], nullable: true, description: 'null: every environment of the project' })
  environmentKeys: string[] | null;
  @ApiProperty({ type: [GuardrailRuleDto] }) rules: GuardrailRuleDto[];
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class GuardrailPolicyListDto {
  @ApiProperty({ type: [GuardrailPolicyDto] }) items: GuardrailPolicyDto[];
}

/** A `warn` rule a write broke: the write happened, and says so. */
export class GuardrailWarningDto {
  @ApiProperty({ description: 'policy key' }) policy: string;
  @ApiProperty({ enum: GUARDRAIL_RULE_KINDS }) rule: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ description: 'the environment an environment rule found it in' }) environment?: string;
}
