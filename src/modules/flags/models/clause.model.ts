import { Field, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';

/** A rule clause (flags and segments alike); `values` are any JSON values. */
@ObjectType('Clause')
export class ClauseModel {
  @Field() _id: string;
  @Field(() => String, { nullable: true }) contextKind?: string;
  @Field() attribute: string;
  @Field() op: string;
  @Field(() => [GraphQLJSON], { nullable: 'items' }) values: unknown[];
  @Field() negate: boolean;
}
