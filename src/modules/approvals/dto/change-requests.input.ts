import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import { IsUUID } from 'class-validator';
import {
  ApplyChangeRequestDto,
  ChangeRequestQueryDto,
  CreateChangeRequestDto,
  ImpactRequestDto,
  ReviewChangeRequestDto,
  UpdateChangeRequestDto,
  type REVIEW_DECISIONS,
} from './change-requests.dto';
import { GraphQLJSON } from '../../graphql/json.scalar';
import { OptionalField } from '../../graphql/optional-field';
import { DeprecatedInstructionsField, TypedInstructionsField } from '../../graphql/instruction-inputs';

/** The instructions come as JSON (deprecated) or typed by the request's resource: one of the three. */
@InputType('CreateChangeRequestInput')
export class CreateChangeRequestInput extends CreateChangeRequestDto {
  @OptionalField(() => String) override description?: string;
  /** Undefined when a typed list is given (chosenRequestInstructions picks one). */
  @DeprecatedInstructionsField('semantic-patch instructions as JSON, as PATCH takes them', [
    'typedFlagInstructions',
    'typedSegmentInstructions',
  ])
  override instructions: unknown[];
  @TypedInstructionsField('Flag', 'createFlagChangeRequest: flag instructions, as patchFlag takes them')
  typedFlagInstructions?: unknown[];
  @TypedInstructionsField('Segment', 'createSegmentChangeRequest: segment instructions, as patchSegment takes them')
  typedSegmentInstructions?: unknown[];
  @OptionalField(() => String, { description: 'ISO 8601, in the future: apply automatically once approved' })
  override executionDate?: string;
}

@InputType('UpdateChangeRequestInput')
export class UpdateChangeRequestInput extends UpdateChangeRequestDto {
  @OptionalField(() => String) override description?: string;
  @OptionalField(() => [GraphQLJSON], {
    description: 'new instructions as JSON: re-validated, reviews reset',
    deprecationReason: 'untyped: use typedFlagInstructions or typedSegmentInstructions',
  })
  override instructions?: unknown[];
  @TypedInstructionsField('Flag', "new instructions of a flag's request: re-validated, reviews reset")
  typedFlagInstructions?: unknown[];
  @TypedInstructionsField('Segment', "new instructions of a segment's request: re-validated, reviews reset")
  typedSegmentInstructions?: unknown[];
  /** Not an OptionalField: as in REST, an explicit null removes the execution date. */
  @Field(() => String, { nullable: true, description: 'ISO 8601; null removes it' }) override executionDate?:
    string | null;
}

@ArgsType()
export class ReviewChangeRequestArgs extends ReviewChangeRequestDto {
  @IsUUID() @Field() id: string;
  @Field(() => String, { description: 'approve, decline or comment' })
  override decision: (typeof REVIEW_DECISIONS)[number];
  @OptionalField(() => String) override comment?: string;
}

@ArgsType()
export class ApplyChangeRequestArgs extends ApplyChangeRequestDto {
  @IsUUID() @Field() id: string;
  @OptionalField(() => Boolean, {
    description: 'apply although the resource changed since the base version (needs bypassRequiredApproval)',
  })
  override override?: boolean;
  @OptionalField(() => String) override comment?: string;
}

@ArgsType()
export class ChangeRequestsArgs extends ChangeRequestQueryDto {
  @OptionalField(() => [String]) override status?: string[];
  @OptionalField(() => String) override projectKey?: string;
  @OptionalField(() => String) override environmentKey?: string;
  @OptionalField(() => String, { description: 'flag or segment' }) override resourceKind?: string;
  @OptionalField(() => String) override resourceKey?: string;
  @OptionalField(() => String, { description: 'member id, or service token id' }) override requester?: string;
  @OptionalField(() => Boolean) override awaitingMyReview?: boolean;
  @OptionalField(() => Int, { description: 'default 50, at most 200' }) override limit?: number;
  @OptionalField(() => String, { description: 'the `next` value of the previous page' }) override cursor?: string;
}

@InputType('ImpactInput')
export class ImpactInput extends ImpactRequestDto {
  @OptionalField(() => [GraphQLJSON], { description: 'contexts to evaluate besides the environment sample' })
  override contexts?: unknown[];
  @OptionalField(() => Boolean, { description: 'default true' }) override includeSample?: boolean;
}
