import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';
import { OptionalField } from '../../graphql/optional-field';
import { PutGuardrailPolicyDto } from '../dto/guardrails.dto';

@ObjectType('GuardrailWarning', { description: 'a warn rule a write broke; the write happened' })
export class GuardrailWarningModel {
  @Field({ description: 'policy key' }) policy: string;
  @Field({ description: 'rule kind' }) rule: string;
  @Field() message: string;
  @Field(() => String, { nullable: true }) environment?: string;
}

@ObjectType('GuardrailPolicy')
export class GuardrailPolicyModel {
  @Field() key: string;
  @Field() name: string;
  @Field() description: string;
  @Field(() => [String], { nullable: true, description: 'null: every environment of the project' })
  environmentKeys: string[] | null;
  @Field(() => GraphQLJSON, { description: 'the rules, as in REST: [{ kind, effect, ...fields }]' }) rules: unknown;
  @Field(() => Int) version: number;
  @Field() createdAt: string;
  @Field() updatedAt: string;
}

@InputType('GuardrailPolicyInput')
export class GuardrailPolicyInput extends PutGuardrailPolicyDto {
  @Field() override name: string;
  @OptionalField(() => String) override description?: string;
  @OptionalField(() => [String], { description: 'omit for every environment of the project' })
  override environmentKeys?: string[];
  @Field(() => GraphQLJSON, { description: '[{ kind, effect, ...fields }], as in REST' }) override rules: unknown[];
}
