import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** DESIGN §4: keys of projects, environments, flags, segments, roles, teams, metrics. */
export const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Versions and offsets are PostgreSQL integers: larger numbers must be refused, not sent to the database (a 500). */
export const MAX_INT32 = 2_147_483_647;
/** Upper bound on any list in a request body, so one call cannot ask for unbounded work. */
export const MAX_LIST = 100;

export const IsKey = (description = 'key', optional = false) =>
  applyDecorators(
    optional ? ApiPropertyOptional({ description, pattern: KEY_PATTERN.source }) : ApiProperty({ description, pattern: KEY_PATTERN.source }),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    Matches(KEY_PATTERN, { message: '$property must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }),
  );

export const IsName = (optional = false) =>
  applyDecorators(
    optional ? ApiPropertyOptional() : ApiProperty(),
    ...(optional ? [IsOptional()] : []),
    IsString(),
    MinLength(1),
    MaxLength(256),
  );

export const IsTags = () =>
  applyDecorators(
    ApiPropertyOptional({ type: [String] }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_LIST),
    Matches(TAG_PATTERN, { each: true, message: 'each tag must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
  );

export const IsKeyList = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_LIST),
    Matches(KEY_PATTERN, { each: true, message: 'each key must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }),
  );
