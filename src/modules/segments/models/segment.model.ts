import { GuardrailWarningModel } from '../../guardrails/models/guardrail.model';
import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ClauseModel } from '../../flags/models/clause.model';

@ObjectType('SegmentTarget')
export class SegmentTargetModel {
  @Field() contextKind: string;
  @Field(() => [String]) values: string[];
}

@ObjectType('SegmentRule')
export class SegmentRuleModel {
  @Field() _id: string;
  @Field(() => [ClauseModel]) clauses: ClauseModel[];
  @Field(() => Int, { nullable: true, description: 'thousandths of a percent; absent = every matching context' })
  weight?: number;
  @Field(() => String, { nullable: true }) bucketBy?: string;
  @Field(() => String, { nullable: true }) rolloutContextKind?: string;
  @Field(() => String, { nullable: true }) description?: string;
}

/** GraphQL shape of the REST segment (`SegmentConfig`), one environment's segment. */
@ObjectType('Segment')
export class SegmentModel {
  @Field() key: string;
  @Field() name: string;
  @Field() description: string;
  @Field(() => [String]) tags: string[];
  @Field(() => [String]) included: string[];
  @Field(() => [String]) excluded: string[];
  @Field(() => [SegmentTargetModel]) includedContexts: SegmentTargetModel[];
  @Field(() => [SegmentTargetModel]) excludedContexts: SegmentTargetModel[];
  @Field(() => [SegmentRuleModel]) rules: SegmentRuleModel[];
  @Field() salt: string;
  @Field(() => Int) version: number;
  @Field() deleted: boolean;
  @Field(() => [GuardrailWarningModel], {
    nullable: true,
    description: 'write results only: the guardrail warn rules the write broke (null when none)',
  })
  warnings?: GuardrailWarningModel[];
}
