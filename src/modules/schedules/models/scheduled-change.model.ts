import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';

@ObjectType('ScheduledChange')
export class ScheduledChangeModel {
  @Field() id: string;
  @Field() projectKey: string;
  @Field() environmentKey: string;
  @Field() flagKey: string;
  @Field(() => [GraphQLJSON]) instructions: unknown[];
  @Field({ description: 'when it applies; for a recurring schedule, its next occurrence' }) executionDate: string;
  @Field(() => String, { nullable: true, description: 'five-field cron of a recurring schedule' }) cron: string | null;
  @Field(() => String, { nullable: true, description: 'the IANA time zone of cron' }) timeZone: string | null;
  @Field(() => [String], { description: 'a pending recurring schedule: its next five occurrences' })
  nextOccurrences: string[];
  @Field() comment: string;
  @Field() status: string;
  @Field(() => GraphQLJSON) createdBy: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) failure: unknown;
  @Field(() => Int, { nullable: true }) appliedVersion: number | null;
  @Field(() => String, { nullable: true }) appliedAt: string | null;
  @Field() createdAt: string;
  @Field() updatedAt: string;
}
