import { GuardrailWarningDto } from '../../guardrails/dto/guardrails.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANGE_REQUEST_STATUSES } from '../../../core/approval';
import { JSON_VALUE, PhaseOriginDto, RefusalDto } from '../../../infra/http/api-schemas';
import { instructionRef } from '../../../infra/http/instruction-schemas';
import { RESOURCE_KINDS } from '../../write-path/resource-writer';
import { ActorRefDto } from '../../accounts/models/actor-ref.model';

/** Response shapes of the change-request endpoints, for the OpenAPI document (the services build them). */

export class ChangeRequestHistoryEntryDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: CHANGE_REQUEST_STATUSES }) status: string;
  @ApiProperty({ type: ActorRefDto }) actor: ActorRefDto;
  @ApiProperty() note: string;
}

export class ChangeRequestReviewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: ActorRefDto }) reviewer: ActorRefDto;
  @ApiProperty({ enum: ['approve', 'decline', 'comment'] }) decision: string;
  @ApiProperty() comment: string;
  @ApiProperty({ description: "false once the request's content changed after this review: it no longer counts" })
  current: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ChangeRequestApprovalsDto {
  @ApiProperty({ type: [String], description: 'reviewer ids whose latest decision on the current content is approve' })
  approvers: string[];
  @ApiProperty({ type: [String] }) decliners: string[];
  @ApiProperty({ type: [ActorRefDto], description: 'the approvers, named' }) approvedBy: ActorRefDto[];
  @ApiProperty({ type: [ActorRefDto], description: 'the decliners, named' }) declinedBy: ActorRefDto[];
}

export class NamedVariationDto {
  @ApiProperty() id: string;
  @ApiProperty({ ...JSON_VALUE, description: "the variation's value" }) value: unknown;
  @ApiPropertyOptional() name?: string;
}

export class ChangeRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: RESOURCE_KINDS }) resourceKind: string;
  @ApiProperty() resourceKey: string;
  @ApiProperty() projectKey: string;
  @ApiProperty() environmentKey: string;
  @ApiProperty({ enum: CHANGE_REQUEST_STATUSES }) status: string;
  @ApiProperty() description: string;
  @ApiProperty({ type: 'array', items: instructionRef('AnyInstruction'), description: 'of the resource kind' })
  instructions: unknown[];
  @ApiProperty({ type: 'integer', description: 'configuration version the instructions were written against' })
  baseVersion: number;
  @ApiProperty({
    description: 'sha256 of resource, environment, base version, instructions and execution date; reviews bind to it',
  })
  contentHash: string;
  @ApiProperty({ type: 'integer' }) approvalsRequired: number;
  @ApiProperty({ type: [String] }) approvalReasons: string[];
  @ApiProperty({
    type: [GuardrailWarningDto],
    description: 'guardrail warn rules the requested change breaks (it may still be applied)',
  })
  warnings: GuardrailWarningDto[];
  @ApiProperty({ type: ChangeRequestApprovalsDto }) approvals: ChangeRequestApprovalsDto;
  @ApiProperty({ type: ActorRefDto }) requester: ActorRefDto;
  @ApiProperty({
    type: PhaseOriginDto,
    nullable: true,
    description: 'the release plan run and phase that opened it; null when a person or token did',
  })
  origin: PhaseOriginDto | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) executionDate: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) appliedVersion: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) appliedAt: string | null;
  @ApiProperty({ type: RefusalDto, nullable: true, description: 'why an automatic apply failed' })
  failure: RefusalDto | null;
  @ApiProperty({ type: [ChangeRequestHistoryEntryDto], description: 'status transitions, oldest first' })
  history: ChangeRequestHistoryEntryDto[];
  @ApiProperty({
    type: [NamedVariationDto],
    description: 'the variations the instructions refer to (by variationId), named; none for segments',
  })
  variations: NamedVariationDto[];
  @ApiProperty({ type: [ChangeRequestReviewDto] }) reviews: ChangeRequestReviewDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ActionDecisionDto {
  @ApiProperty() allowed: boolean;
  @ApiPropertyOptional({ description: 'why not, as the API would say it' }) reason?: string;
  @ApiPropertyOptional({ example: 'approval/self_review', description: 'the problem code the API would refuse with' })
  code?: string;
}

export class CallerActionsDto {
  @ApiProperty({ type: ActionDecisionDto, description: 'approve or decline' }) review: ActionDecisionDto;
  @ApiProperty({ type: ActionDecisionDto }) comment: ActionDecisionDto;
  @ApiProperty({ type: ActionDecisionDto }) apply: ActionDecisionDto;
  @ApiProperty({ type: ActionDecisionDto, description: 'offered only when the resource moved since the base version' })
  rebase: ActionDecisionDto;
  @ApiProperty({ type: ActionDecisionDto }) cancel: ActionDecisionDto;
}

/** One request as GET /change-requests/{id} answers: with what the caller may do with it now. */
export class ChangeRequestDetailDto extends ChangeRequestDto {
  @ApiProperty({
    type: CallerActionsDto,
    description: 'what the caller may do now, decided by the same checks the mutations make',
  })
  actions: CallerActionsDto;
}

export class ChangeRequestListDto {
  @ApiProperty({ type: [ChangeRequestDto] }) items: ChangeRequestDto[];
  @ApiProperty({ type: String, nullable: true, description: 'cursor for the next page' }) next: string | null;
}

export class ConfigChangeDto {
  @ApiProperty({ example: 'environment.rules[id=…].clauses[id=…].values' }) path: string;
  @ApiProperty({ ...JSON_VALUE, nullable: true }) before: unknown;
  @ApiProperty({ ...JSON_VALUE, nullable: true }) after: unknown;
  @ApiProperty({ example: 'turned the flag on' }) summary: string;
}

export class ChangeRequestDiffDto {
  @ApiProperty({ type: [ConfigChangeDto] }) changes: ConfigChangeDto[];
  @ApiProperty({
    ...JSON_VALUE,
    nullable: true,
    description:
      'the whole configuration before: for a flag `{flag, environment}` as in a flag version, for a segment the segment, ' +
      "for an environment its governance settings; null when an applied request's versions are no longer kept",
  })
  before: unknown;
  @ApiProperty({ ...JSON_VALUE, nullable: true, description: 'the whole configuration after, in the same shape' })
  after: unknown;
}

class ImpactSideDto {
  @ApiProperty({ type: 'integer', nullable: true }) variation: number | null;
  @ApiProperty({ ...JSON_VALUE, nullable: true }) value: unknown;
}

export class ImpactTransitionDto {
  @ApiProperty({ type: ImpactSideDto }) from: ImpactSideDto;
  @ApiProperty({ type: ImpactSideDto }) to: ImpactSideDto;
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty({ type: [String], description: 'up to 5 context keys' }) examples: string[];
}

export class FlagImpactDto {
  @ApiProperty() flagKey: string;
  @ApiProperty({ type: 'integer' }) evaluated: number;
  @ApiProperty({ type: 'integer' }) changed: number;
  @ApiProperty({ type: [ImpactTransitionDto] }) transitions: ImpactTransitionDto[];
}

class ImpactContextsDto {
  @ApiProperty({ type: 'integer' }) sample: number;
  @ApiProperty({ type: 'integer' }) supplied: number;
  @ApiProperty({ type: 'integer', description: 'supplied or sampled contexts that are not valid contexts' })
  invalid: number;
}

export class ChangeRequestImpactDto {
  @ApiProperty({ type: ImpactContextsDto }) contexts: ImpactContextsDto;
  @ApiProperty({ type: 'integer', description: 'contexts for which at least one flag changes variation or value' })
  changed: number;
  @ApiProperty({
    type: [FlagImpactDto],
    description: 'the target flag, and every other flag the change moves (prerequisites, segments)',
  })
  flags: FlagImpactDto[];
  @ApiProperty({ type: 'integer' }) version: number;
}
