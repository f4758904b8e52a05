import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';

/** A custom role; `policy` is the list of LaunchDarkly-style statements. */
@ObjectType('Role')
export class RoleModel {
  @Field(() => ID) id: string;
  @Field() key: string;
  @Field() name: string;
  @Field() description: string;
  @Field(() => GraphQLJSON) policy: unknown;
}
