import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType('Team')
export class TeamModel {
  @Field() key: string;
  @Field() name: string;
  @Field() description: string;
  @Field(() => [ID]) memberIds: string[];
  @Field(() => [String]) customRoleKeys: string[];
}
