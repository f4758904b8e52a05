import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';

@ObjectType('Freeze')
export class FreezeModel {
  @Field() id: string;
  @Field() projectKey: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) reason: string | null;
  @Field(() => [String], { nullable: true, description: 'null = every environment of the project' })
  environmentKeys: string[] | null;
  @Field({ description: 'once | recurring' }) kind: string;
  @Field(() => String, { nullable: true }) from?: string;
  @Field(() => String, { nullable: true }) to?: string;
  @Field(() => String, { nullable: true }) cron?: string;
  @Field(() => Int, { nullable: true }) durationMinutes?: number;
  @Field(() => String, { nullable: true }) timeZone?: string;
  @Field() active: boolean;
  @Field(() => String, { nullable: true }) activeUntil: string | null;
  @Field(() => GraphQLJSON) createdBy: unknown;
  @Field() createdAt: string;
}
