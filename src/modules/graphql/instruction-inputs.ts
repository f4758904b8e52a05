import { applyDecorators } from '@nestjs/common';
import { Field, Float, InputType, Int, registerEnumType, type ReturnTypeFuncValue } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, ValidateIf } from 'class-validator';
import { MAX_INSTRUCTIONS } from '../../core/patch/limits';
import { GraphQLJSON } from './json.scalar';
import {
  TYPED_INSTRUCTION_PLAN,
  unionInputName,
  type GqlFieldPlan,
  type GqlTypeRef,
  type TypedResource,
} from './typed-instructions';

/**
 * The code-first classes of the typed instruction inputs, built from TYPED_INSTRUCTION_PLAN (itself
 * derived from the instruction schemas of core/patch) when this file is loaded: one class per
 * input type, decorated as if written out, so Nest puts them in the schema like any other input.
 */

const SCALARS: Record<string, ReturnTypeFuncValue> = {
  String,
  Int,
  Float,
  Boolean,
  JSON: GraphQLJSON,
};

const enums = new Map<string, object>();
for (const plan of TYPED_INSTRUCTION_PLAN.enums) {
  const values = Object.fromEntries(plan.values.map((value) => [value, value]));
  registerEnumType(values, { name: plan.name, description: plan.description });
  enums.set(plan.name, values);
}

type InputClass = new () => object;
const classes = new Map<string, InputClass>();
for (const plan of TYPED_INSTRUCTION_PLAN.inputs) {
  // A named class, so that errors and stack traces say which input it is.
  classes.set(plan.name, { [plan.name]: class {} }[plan.name]);
}

function typeOf(ref: GqlTypeRef): ReturnTypeFuncValue {
  if ('scalar' in ref) return SCALARS[ref.scalar];
  if ('enum' in ref) return enums.get(ref.enum) as object;
  const input = classes.get(ref.input);
  if (!input) throw new Error(`no typed instruction input ${ref.input}`);
  return input;
}

const decorate = (target: object, field: GqlFieldPlan) =>
  Field(() => (field.list ? [typeOf(field.type)] : typeOf(field.type)), {
    nullable: field.nullable,
    description: field.description,
  })(target, field.name);

for (const plan of TYPED_INSTRUCTION_PLAN.inputs) {
  const input = classes.get(plan.name) as InputClass;
  for (const field of plan.fields) decorate(input.prototype as object, field);
  InputType(plan.name, { description: plan.description, isOneOf: plan.oneOf })(input);
}

/** `FlagInstructionInput`: one flag instruction, as an input object with one field per kind (@oneOf). */
export const FlagInstructionInput = classes.get(unionInputName('Flag')) as new () => object;
/** `SegmentInstructionInput`: one segment instruction (@oneOf). */
export const SegmentInstructionInput = classes.get(unionInputName('Segment')) as new () => object;

const DEPRECATED_JSON = 'untyped: use the typed instruction list next to it';

/**
 * The typed list of a mutation, `[FlagInstructionInput!]` or `[SegmentInstructionInput!]`: optional,
 * as the deprecated JSON list is its alternative (chosenInstructions takes exactly one of them).
 */
export const TypedInstructionsField = (resource: TypedResource, description: string) =>
  applyDecorators(
    Field(() => [resource === 'Flag' ? FlagInstructionInput : SegmentInstructionInput], {
      nullable: true,
      description,
    }),
    IsOptional(),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_INSTRUCTIONS),
    // Handed over as GraphQL made them: the conversion (typed-instructions.ts) reads them by the plan.
    Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => obj[key]),
  );

/**
 * The JSON instruction list, deprecated for the typed one(s) named in `typed`: nullable in GraphQL,
 * and checked by the DTO's validators only when no typed list is given.
 */
export const DeprecatedInstructionsField = (description: string, typed: readonly string[] = ['typedInstructions']) =>
  applyDecorators(
    Field(() => [GraphQLJSON], {
      nullable: true,
      description,
      deprecationReason: `${DEPRECATED_JSON} (${typed.join(' or ')})`,
    }),
    ValidateIf((o: Record<string, unknown>) => typed.every((name) => o[name] === undefined || o[name] === null)),
  );
