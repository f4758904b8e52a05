import { applyDecorators } from '@nestjs/common';
import { Field, type FieldOptions, type ReturnTypeFunc } from '@nestjs/graphql';
import { Transform } from 'class-transformer';

/**
 * An optional GraphQL input field. GraphQL lets a client send `null` for it; Gantry reads that as
 * "not given", like a field left out of a REST body, so services that test `!== undefined` never
 * see a null they would pass on to the database.
 */
export const OptionalField = (type: ReturnTypeFunc, options: Omit<FieldOptions, 'nullable'> = {}) =>
  applyDecorators(
    Field(type, { ...options, nullable: true }),
    Transform(({ value }: { value: unknown }) => value ?? undefined),
  );

/** `If-Match` travels as an argument in GraphQL; the service parses it exactly as the REST header. */
export const IfMatchField = () =>
  OptionalField(() => String, {
    description: 'the version the change was written against (REST If-Match): 3, "3" or W/"3"',
  });
