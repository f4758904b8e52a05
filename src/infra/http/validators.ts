import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** DESIGN §4: keys of projects, environments, flags, segments, roles, teams, metrics. */
export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Versions and offsets are PostgreSQL integers: larger numbers must be refused, not sent to the database (a 500). */
export const MAX_INT32 = 2_147_483_647;
/**
 * An optional field: skipped when absent, validated when present, so an explicit `null` is refused
 * by the type check (class-validator's IsOptional would let null through to a NOT NULL column).
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Upper bound on any list in a request body, so one call cannot ask for unbounded work. */
export const MAX_LIST = 100;

export const IsKey = (description = 'key', optional = false) =>
  applyDecorators(
    optional
      ? ApiPropertyOptional({ description, pattern: KEY_PATTERN.source })
      : ApiProperty({ description, pattern: KEY_PATTERN.source }),
    ...(optional ? [IsOmittable()] : []),
    IsString(),
    Matches(KEY_PATTERN, { message: '$property must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }),
  );

export const IsName = (optional = false) =>
  applyDecorators(
    optional ? ApiPropertyOptional() : ApiProperty(),
    ...(optional ? [IsOmittable()] : []),
    IsString(),
    MinLength(1),
    MaxLength(256),
  );

export const IsTags = () =>
  applyDecorators(
    ApiPropertyOptional({ type: [String] }),
    IsOmittable(),
    IsArray(),
    ArrayMaxSize(MAX_LIST),
    Matches(TAG_PATTERN, { each: true, message: 'each tag must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
  );

export const IsKeyList = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], description }),
    IsOmittable(),
    IsArray(),
    ArrayMaxSize(MAX_LIST),
    Matches(KEY_PATTERN, { each: true, message: 'each key must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }),
  );

/** Page size of a list query: 1..200, 50 when omitted (the service applies the default). */
export const PageLimit = () =>
  applyDecorators(
    ApiPropertyOptional({ default: 50, maximum: 200 }),
    IsOmittable(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(200),
  );
