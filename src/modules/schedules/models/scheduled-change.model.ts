import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';

@ObjectType('ScheduledChange')
export class ScheduledChangeModel {
  @Field() id: string;
  @Field() projectKey: string;
  @Field() environmentKey: string;
  @Field() flagKey: string;
  @Field(() => [GraphQLJSON]) instructions: unknown[];
  @Field() executionDate: string;
  @Field() comment: string;
  @Field() status: string;
  @Field(() => GraphQLJSON) createdBy: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) failure: unknown;
  @Field(() => Int, { nullable: true }) appliedVersion: number | null;
  @Field(() => String, { nullable: true }) appliedAt: string | null;
  @Field() createdAt: string;
  @Field() updatedAt: string;
}
