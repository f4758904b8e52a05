import { ApprovalBypassDto, ApprovalBypassedField } from '../../../infra/http/break-glass.dto';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { CLAUSE_OPS } from '../../../core/model/flag-config';
import { JSON_VALUE } from '../../../infra/http/api-schemas';
import { ActorRefDto } from '../../accounts/dto/accounts.responses';
import { ClientSideAvailabilityDto, FlagDefaultsDto } from './flags.dto';
import { GuardrailWarningDto } from '../../guardrails/dto/guardrails.dto';

/**
 * Response shapes of the flag endpoints: LaunchDarkly's flag shapes (core/model/flag-config.ts),
 * for the OpenAPI document. Variations carry stable `_id`s; configs refer to them by index.
 */

export class VariationDto {
  @ApiProperty({ description: 'stable id; instructions name variations by it' }) _id: string;
  @ApiProperty({ ...JSON_VALUE }) value: unknown;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() description?: string;
}

export class ClauseDto {
  @ApiProperty() _id: string;
  @ApiPropertyOptional({ example: 'user' }) contextKind?: string;
  @ApiProperty({ example: 'email' }) attribute: string;
  @ApiProperty({ enum: CLAUSE_OPS }) op: string;
  @ApiProperty({ type: 'array', items: { ...JSON_VALUE } }) values: unknown[];
  @ApiProperty() negate: boolean;
}

export class WeightedVariationDto {
  @ApiProperty({ type: 'integer', description: 'index into the flag variations' }) variation: number;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100000, description: 'thousandths of a percent' })
  weight: number;
  @ApiPropertyOptional() untracked?: boolean;
}

export class RolloutDto {
  @ApiProperty({ type: [WeightedVariationDto] }) variations: WeightedVariationDto[];
  @ApiPropertyOptional() bucketBy?: string;
  @ApiPropertyOptional() contextKind?: string;
  @ApiPropertyOptional({ enum: ['rollout', 'experiment'] }) kind?: 'rollout' | 'experiment';
  @ApiPropertyOptional({ type: 'integer' }) seed?: number;
}

/** Exactly one of `variation` or `rollout` is set. */
export class VariationOrRolloutDto {
  @ApiPropertyOptional({ type: 'integer', description: 'index into the flag variations' }) variation?: number;
  @ApiPropertyOptional({ type: RolloutDto }) rollout?: RolloutDto;
}

export class RuleDto extends VariationOrRolloutDto {
  @ApiProperty() _id: string;
  @ApiProperty({ type: [ClauseDto] }) clauses: ClauseDto[];
  @ApiPropertyOptional() description?: string;
  @ApiProperty() trackEvents: boolean;
}

export class TargetDto {
  @ApiProperty({ type: 'integer' }) variation: number;
  @ApiProperty({ type: [String] }) values: string[];
  @ApiPropertyOptional() contextKind?: string;
}

export class PrerequisiteDto {
  @ApiProperty() key: string;
  @ApiProperty({ type: 'integer', description: 'index into the prerequisite flag variations' }) variation: number;
}

export class FlagEnvironmentConfigDto {
  @ApiProperty() on: boolean;
  @ApiProperty({ type: 'integer', nullable: true }) offVariation: number | null;
  @ApiProperty({ type: VariationOrRolloutDto }) fallthrough: VariationOrRolloutDto;
  @ApiProperty({ type: [TargetDto], description: 'user targets' }) targets: TargetDto[];
  @ApiProperty({ type: [TargetDto], description: 'targets of other context kinds' }) contextTargets: TargetDto[];
  @ApiProperty({ type: [RuleDto] }) rules: RuleDto[];
  @ApiProperty({ type: [PrerequisiteDto] }) prerequisites: PrerequisiteDto[];
  @ApiProperty() salt: string;
  @ApiProperty() trackEvents: boolean;
  @ApiProperty() trackEventsFallthrough: boolean;
  @ApiProperty({ type: 'integer', description: 'increments on every change of this environment config' })
  version: number;
}

/** The project-level part of a flag (shared by every environment). */
class FlagDefinitionFields {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['boolean', 'multivariate'] }) kind: 'boolean' | 'multivariate';
  @ApiProperty({ type: [VariationDto] }) variations: VariationDto[];
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty() temporary: boolean;
  @ApiProperty() archived: boolean;
  @ApiProperty({ type: ClientSideAvailabilityDto }) clientSideAvailability: ClientSideAvailabilityDto;
  @ApiProperty({ type: FlagDefaultsDto, description: 'variation indexes a new environment starts with' })
  defaults: FlagDefaultsDto;
  @ApiPropertyOptional({ description: 'ISO-8601 date a temporary flag is planned to be removed by (absent: none)' })
  plannedRemovalDate?: string;
  @ApiPropertyOptional({
    type: [String],
    description:
      'services whose deploys concern the flag (set with `setServices`; absent: none). A tag `service.<name>` links it too',
  })
  services?: string[];
}

/** `environments` refers to FlagEnvironmentConfigDto by $ref: controllers returning a FlagDto declare it with @ApiExtraModels. */
export class FlagDto extends FlagDefinitionFields {
  @ApiProperty({ type: 'integer', description: 'version of the project-level part' }) version: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(FlagEnvironmentConfigDto) },
    description: 'config per environment key',
  })
  environments: Record<string, FlagEnvironmentConfigDto>;
  @ApprovalBypassedField() approvalBypassed?: ApprovalBypassDto[];
  @ApiPropertyOptional({ format: 'uuid', description: 'the maintainer (member id); absent: none' })
  maintainerId?: string;
  @ApiPropertyOptional({
    type: [GuardrailWarningDto],
    description: 'write responses only: the guardrail warn rules the write broke (absent when none)',
  })
  warnings?: GuardrailWarningDto[];
}

export class FlagListItemDto extends FlagDto {
  @ApiPropertyOptional({
    enum: ['new', 'active', 'rolled-out', 'stale', 'archived'],
    description: 'the overall lifecycle state; present when the list was filtered with `lifecycle`',
  })
  lifecycle?: string;
}

export class FlagListDto {
  @ApiProperty({ type: [FlagListItemDto] }) items: FlagListItemDto[];
}

export class FlagDefinitionDto extends FlagDefinitionFields {
  @ApiPropertyOptional({ type: String, nullable: true }) maintainerId?: string | null;
}

/** One stored version of a flag's config in one environment, with the flag definition of that time. */
export class FlagVersionDto {
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: ActorRefDto }) actor: ActorRefDto;
  @ApiProperty() comment: string;
  @ApiProperty({ type: FlagDefinitionDto }) flag: FlagDefinitionDto;
  @ApiProperty({ type: FlagEnvironmentConfigDto }) environment: FlagEnvironmentConfigDto;
}

export class FlagVersionListDto {
  @ApiProperty({ type: [FlagVersionDto] }) items: FlagVersionDto[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'pass as `before` for the next (older) page' }) next:
    number | null;
}
