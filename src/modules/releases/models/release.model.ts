import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ActorRefModel } from '../../accounts/models/actor-ref.model';
import { GraphQLJSON } from '../../graphql/json.scalar';
import { PhaseOriginModel } from '../../graphql/phase-origin.model';

@ObjectType('Release')
export class ReleaseModel {
  @Field() id: string;
  @Field() projectKey: string;
  @Field() environmentKey: string;
  @Field() flagKey: string;
  @Field() status: string;
  @Field(() => GraphQLJSON, { description: '{ ruleId, toVariationId, toVariation: { value, name? } }' })
  target: unknown;
  @Field(() => [GraphQLJSON], { description: '[{ weight, durationMs }]' }) stages: unknown[];
  @Field(() => ActorRefModel, { description: 'who started it' }) createdBy: ActorRefModel;
  @Field(() => Int) currentStage: number;
  @Field(() => Int) currentWeight: number;
  @Field(() => String, { nullable: true }) nextStepAt: string | null;
  @Field(() => Int, { nullable: true }) remainingMs: number | null;
  @Field(() => GraphQLJSON, { nullable: true }) guard: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) guardResult: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) failure: unknown;
  @Field(() => [GraphQLJSON]) history: unknown[];
  @Field(() => PhaseOriginModel, {
    nullable: true,
    description: 'the release plan phase that started it; null when started directly',
  })
  origin: PhaseOriginModel | null;
  @Field() createdAt: string;
  @Field() updatedAt: string;
}
