import { Field, ID, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';

/** GraphQL shape of `tokenView`: never the secret (only its hint). */
@ObjectType('Token')
export class TokenModel {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field({ description: 'last characters of the secret, to recognise it' }) hint: string;
  @Field({ description: "'personal' or 'service'" }) kind: string;
  @Field({ description: "'api' (REST and GraphQL) or 'scim' (/scim/v2 only)" }) purpose: string;
  @Field(() => ID, { nullable: true }) memberId: string | null;
  @Field(() => String, { nullable: true }) role: string | null;
  @Field(() => [String]) customRoleKeys: string[];
  @Field(() => GraphQLJSON, { nullable: true }) inlinePolicy: unknown;
  @Field(() => String, { nullable: true }) expiresAt: string | null;
  @Field(() => String, { nullable: true }) lastUsedAt: string | null;
  @Field(() => String, { nullable: true }) revokedAt: string | null;
  @Field() createdAt: string;
}

/** Only `createToken` returns this: the secret appears here and nowhere else, ever. */
@ObjectType('CreatedToken')
export class CreatedTokenModel extends TokenModel {
  @Field() token: string;
}
