import { DomainError, type FieldError } from '../errors';
import { isPlannedRemovalDate } from '../patch/metadata-fields';
import type { FlagDefinition, FlagEnvironmentConfig, JsonValue, Variation } from './flag-config';

export interface NewFlagInput {
  key: string;
  name: string;
  description?: string;
  variations?: { value: JsonValue; name?: string; description?: string }[];
  defaults?: { onVariation: number; offVariation: number };
  tags?: string[];
  temporary?: boolean;
  clientSideAvailability?: { usingEnvironmentId: boolean; usingMobileKey: boolean };
  /** A member id (UUID); whether the member exists is not checked. */
  maintainerId?: string | null;
  /** ISO-8601 date or date-time a temporary flag is planned to be removed by. */
  plannedRemovalDate?: string | null;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const jsonType = (v: JsonValue) => (v === null ? 'null' : Array.isArray(v) ? 'object' : typeof v);

/**
 * Validates a new flag and builds its definition. Without variations it is a boolean flag
 * (true, false); variations must share one JSON type and be distinct; defaults are indexes.
 */
export function buildFlagDefinition(input: NewFlagInput, newId: () => string): FlagDefinition {
  const raw = input.variations ?? [{ value: true }, { value: false }];
  const errors: FieldError[] = [];
  if (raw.length < 2 || raw.length > 100)
    errors.push({ field: 'variations', reason: 'a flag needs between 2 and 100 variations' });
  const types = new Set(raw.map((v) => jsonType(v.value)));
  if (types.has('null')) errors.push({ field: 'variations', reason: 'a variation value cannot be null' });
  if (types.size > 1)
    errors.push({
      field: 'variations',
      reason: `variation values must all have one JSON type (got ${[...types].join(', ')})`,
    });
  const seen = new Set<string>();
  raw.forEach((v, index) => {
    const k = JSON.stringify(v.value);
    if (seen.has(k)) errors.push({ index, field: 'variations', reason: `duplicate variation value ${k.slice(0, 64)}` });
    seen.add(k);
  });
  const isBoolean = raw.length === 2 && types.size === 1 && types.has('boolean');
  const defaults = input.defaults ?? { onVariation: 0, offVariation: raw.length - 1 };
  for (const [field, idx] of Object.entries(defaults)) {
    if (!Number.isInteger(idx) || idx < 0 || idx >= raw.length)
      errors.push({ field: `defaults.${field}`, reason: `must be a variation index between 0 and ${raw.length - 1}` });
  }
  if (input.maintainerId != null && !UUID.test(input.maintainerId))
    errors.push({ field: 'maintainerId', reason: 'must be a member id (UUID)' });
  if (input.plannedRemovalDate != null && !isPlannedRemovalDate(input.plannedRemovalDate))
    errors.push({ field: 'plannedRemovalDate', reason: 'must be an ISO-8601 date or date-time' });
  if (errors.length) throw new DomainError('flag/invalid', errors.map((e) => e.reason).join('; '), errors);

  const variations: Variation[] = raw.map((v) => ({
    _id: newId(),
    value: v.value,
    ...(v.name !== undefined ? { name: v.name } : {}),
    ...(v.description !== undefined ? { description: v.description } : {}),
  }));
  return {
    key: input.key,
    name: input.name,
    description: input.description ?? '',
    kind: isBoolean ? 'boolean' : 'multivariate',
    variations,
    tags: [...new Set(input.tags ?? [])].sort(),
    temporary: input.temporary ?? true,
    archived: false,
    clientSideAvailability: input.clientSideAvailability ?? { usingEnvironmentId: false, usingMobileKey: false },
    defaults,
    maintainerId: input.maintainerId ?? null,
    ...(input.plannedRemovalDate != null ? { plannedRemovalDate: input.plannedRemovalDate } : {}),
  };
}

/** A flag's configuration in an environment it has never been configured in: off, defaults applied. */
export function initialEnvironmentConfig(def: FlagDefinition, salt: string): FlagEnvironmentConfig {
  return {
    on: false,
    offVariation: def.defaults.offVariation,
    fallthrough: { variation: def.defaults.onVariation },
    targets: [],
    contextTargets: [],
    rules: [],
    prerequisites: [],
    salt,
    trackEvents: false,
    trackEventsFallthrough: false,
    version: 1,
  };
}
