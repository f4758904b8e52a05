import { GuardrailWarningModel } from '../../guardrails/models/guardrail.model';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';
import { ActorRefModel } from '../../accounts/models/actor-ref.model';
import { PhaseOriginModel } from '../../graphql/phase-origin.model';

/** GraphQL shapes of ChangeRequestView and its previews (the services build them). */

@ObjectType('ChangeRequestReview')
export class ChangeRequestReviewModel {
  @Field() id: string;
  @Field(() => GraphQLJSON, { description: '{ kind, id, name, email?, memberId?, tokenId? }' }) reviewer: unknown;
  @Field() decision: string;
  @Field() comment: string;
  @Field({ description: 'false once the request changed after this review: it no longer counts' }) current: boolean;
  @Field() createdAt: string;
}

@ObjectType('ChangeRequestApprovals')
export class ChangeRequestApprovalsModel {
  @Field(() => [String]) approvers: string[];
  @Field(() => [String]) decliners: string[];
  @Field(() => [ActorRefModel], { description: 'the approvers, named' }) approvedBy: ActorRefModel[];
  @Field(() => [ActorRefModel], { description: 'the decliners, named' }) declinedBy: ActorRefModel[];
}

@ObjectType('NamedVariation')
export class NamedVariationModel {
  @Field() id: string;
  @Field(() => GraphQLJSON) value: unknown;
  @Field({ nullable: true }) name?: string;
}

@ObjectType('ChangeRequest')
export class ChangeRequestModel {
  @Field() id: string;
  @Field() resourceKind: string;
  @Field() resourceKey: string;
  @Field() projectKey: string;
  @Field() environmentKey: string;
  @Field() status: string;
  @Field() description: string;
  @Field(() => [GraphQLJSON]) instructions: unknown[];
  @Field(() => Int) baseVersion: number;
  @Field() contentHash: string;
  @Field(() => Int) approvalsRequired: number;
  @Field(() => [String]) approvalReasons: string[];
  @Field(() => [GuardrailWarningModel], { description: 'guardrail warn rules the requested change breaks' })
  warnings: GuardrailWarningModel[];
  @Field(() => ChangeRequestApprovalsModel) approvals: ChangeRequestApprovalsModel;
  @Field(() => GraphQLJSON) requester: unknown;
  @Field(() => String, { nullable: true }) executionDate: string | null;
  @Field(() => Int, { nullable: true }) appliedVersion: number | null;
  @Field(() => String, { nullable: true }) appliedAt: string | null;
  @Field(() => GraphQLJSON, { nullable: true }) failure: unknown;
  @Field(() => [GraphQLJSON]) history: unknown[];
  @Field(() => PhaseOriginModel, {
    nullable: true,
    description: 'the release plan phase that opened it; null when a person or token did',
  })
  origin: PhaseOriginModel | null;
  @Field(() => [NamedVariationModel], { description: 'the variations the instructions refer to, named' })
  variations: NamedVariationModel[];
  @Field(() => [ChangeRequestReviewModel]) reviews: ChangeRequestReviewModel[];
  @Field() createdAt: string;
  @Field() updatedAt: string;
}

@ObjectType('ActionDecision')
export class ActionDecisionModel {
  @Field() allowed: boolean;
  @Field(() => String, { nullable: true, description: 'why not, as the API would say it' }) reason?: string;
  @Field(() => String, { nullable: true, description: 'the problem code the API would refuse with' }) code?: string;
}

@ObjectType('CallerActions')
export class CallerActionsModel {
  @Field(() => ActionDecisionModel, { description: 'approve or decline' }) review: ActionDecisionModel;
  @Field(() => ActionDecisionModel) comment: ActionDecisionModel;
  @Field(() => ActionDecisionModel) apply: ActionDecisionModel;
  @Field(() => ActionDecisionModel) rebase: ActionDecisionModel;
  @Field(() => ActionDecisionModel) cancel: ActionDecisionModel;
}

@ObjectType('ChangeRequestPage')
export class ChangeRequestPageModel {
  @Field(() => [ChangeRequestModel]) items: ChangeRequestModel[];
  @Field(() => String, { nullable: true }) next: string | null;
}

@ObjectType('ConfigChange')
export class ConfigChangeModel {
  @Field() path: string;
  @Field(() => GraphQLJSON, { nullable: true }) before: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) after: unknown;
  @Field({ description: 'one human-readable line, e.g. "turned the flag on"' }) summary: string;
}

@ObjectType('ImpactTransition')
export class ImpactTransitionModel {
  @Field(() => GraphQLJSON, { description: '{ variation, value } before' }) from: unknown;
  @Field(() => GraphQLJSON, { description: '{ variation, value } after' }) to: unknown;
  @Field(() => Int) count: number;
  @Field(() => [String]) examples: string[];
}

@ObjectType('FlagImpact')
export class FlagImpactModel {
  @Field() flagKey: string;
  @Field(() => Int) evaluated: number;
  @Field(() => Int) changed: number;
  @Field(() => [ImpactTransitionModel]) transitions: ImpactTransitionModel[];
}

@ObjectType('ImpactContexts')
export class ImpactContextsModel {
  @Field(() => Int) sample: number;
  @Field(() => Int) supplied: number;
  @Field(() => Int) invalid: number;
}

@ObjectType('ChangeRequestImpact')
export class ChangeRequestImpactModel {
  @Field(() => ImpactContextsModel) contexts: ImpactContextsModel;
  @Field(() => Int) changed: number;
  @Field(() => [FlagImpactModel]) flags: FlagImpactModel[];
  @Field(() => Int) version: number;
}
