import { Field, ObjectType } from '@nestjs/graphql';
import { MemberModel } from './member.model';

@ObjectType('Me')
export class MeModel {
  @Field() kind: string;
  @Field() id: string;
  @Field() name: string;
  @Field(() => MemberModel, {
    nullable: true,
    description: 'the member behind a personal token; null for service tokens',
  })
  member: MemberModel | null;
}
