import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType('Me')
export class MeModel {
  @Field() kind: string;
  @Field() id: string;
  @Field() name: string;
}
