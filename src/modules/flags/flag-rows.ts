import type { FlagDefinition, FlagEnvironmentConfig } from '../../core/model/flag-config';
import type { Prisma } from '../../infra/prisma/generated/client';
import { fromJson } from '../../infra/prisma/json-columns';
import type { FlagRecord } from './flag-records';

// Flag rows as the flags module's repositories read them, and their mapping to FlagRecord.

/** Prisma's include for a flag with its configurations and their environments' keys. */
export const withConfigs = {
  environments: { include: { environment: { select: { key: true } } } },
} satisfies Prisma.FlagInclude;
export type FlagRow = Prisma.FlagGetPayload<{ include: typeof withConfigs }>;

/** A flag row as the lock-then-read SQL builds it (configurations aggregated as JSON). */
export interface RawFlag {
  id: string;
  key: string;
  definition: Prisma.JsonValue;
  archived: boolean;
  version: number;
  environments: { id: string; environmentId: string; environmentKey: string; config: Prisma.JsonValue }[];
  /** NULL when the reading transaction changed the project itself (FlagLocksRepository). */
  settingsRevision: bigint | null;
}

// Definitions and configurations are written only by FlagWriteService, from core/patch's validated output.
export const definitionOf = (json: Prisma.JsonValue) => fromJson<FlagDefinition>(json);
export const configOf = (json: Prisma.JsonValue) => fromJson<FlagEnvironmentConfig>(json);

export const toFlag = (row: FlagRow | RawFlag): FlagRecord => ({
  id: row.id,
  key: row.key,
  definition: definitionOf(row.definition),
  archived: row.archived,
  version: row.version,
  environments: row.environments.map((fe) => ({
    id: fe.id,
    environmentId: fe.environmentId,
    environmentKey: 'environment' in fe ? fe.environment.key : fe.environmentKey,
    config: configOf(fe.config),
  })),
});
