import { Field, ID, ObjectType } from '@nestjs/graphql';

/** GraphQL shape of `memberView`. */
@ObjectType('Member')
export class MemberModel {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field() name: string;
  @Field(() => String, { nullable: true, description: 'built-in role: reader, writer, admin or owner' }) role:
    string | null;
  @Field(() => [String]) customRoleKeys: string[];
  @Field(() => [String]) teamKeys: string[];
  @Field() createdAt: string;
}
