import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';

@ObjectType('DecidingStatement')
export class DecidingStatementModel {
  @Field({ description: "where the statement comes from, e.g. 'role:writer' or 'customRole:ops'" }) source: string;
  @Field(() => Int) statementIndex: number;
  @Field(() => GraphQLJSON) statement: unknown;
  @Field() effect: string;
}

@ObjectType('DecisionSubject')
export class DecisionSubjectModel {
  @Field() kind: string;
  @Field() id: string;
}

/** Answer of `explain`: may the subject do the action on the resource, and which statement decided. */
@ObjectType('Decision')
export class DecisionModel {
  @Field() allowed: boolean;
  @Field() action: string;
  @Field({ description: 'canonical resource specifier' }) resource: string;
  @Field(() => DecidingStatementModel, { nullable: true }) decidedBy: DecidingStatementModel | null;
  @Field() reason: string;
  @Field(() => DecisionSubjectModel) subject: DecisionSubjectModel;
}
