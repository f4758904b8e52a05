import type { Prisma } from './generated/client';

/**
 * A JSON column read back as the domain type its repository writes there. Unchecked on purpose: it
 * is for repository mappers only, each saying why the column can hold nothing else.
 */
export const fromJson = <T>(value: Prisma.JsonValue): T => value as unknown as T;

/** A domain value for a JSON column: domain values are plain JSON (no Dates, Maps or undefined). */
export const toJson = (value: unknown): Prisma.InputJsonValue => value as Prisma.InputJsonValue;
