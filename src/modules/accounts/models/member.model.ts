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
  @Field({ description: 'false while the member is deactivated' }) active: boolean;
  @Field(() => String, { nullable: true, description: "the identity provider's id (SCIM externalId)" }) externalId:
    string | null;
  @Field() createdAt: string;
}
