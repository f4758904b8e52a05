/**
 * The semantic-patch instructions that turn a live flag into what the file asks for. Flag-level
 * (project-wide) changes come in two writes around the environments' ones: first metadata and
 * new or renamed variations (so targeting can serve them), last the removal of variations the file
 * no longer has (once no environment serves them). Environment targeting is delegated to
 * core/patch's restoreInstructions, the differ version restore uses, so config-as-code and restore
 * produce the same minimal, id-keeping instructions (rules edited in place, `addRule` with the
 * file's rule id, targets replaced as one ordered list).
 */
import { DomainError } from '../errors';
import type { FlagDefinition, FlagEnvironmentConfig } from '../model/flag-config';
import { deepEqual } from '../patch/json-value';
import { restoreInstructions } from '../patch/restore-instructions';
import type { FlagEnvironmentSpec, FlagSpec } from './config-file';
import { desiredEnvironment, type DesiredLookups } from './desired-flag';
import type { ConfigProblem } from './schema-check';

export type Instruction = { kind: string } & Record<string, unknown>;

/** Metadata, archive/restore and added or updated variations: the write before targeting. */
export function flagLevelInstructions(def: FlagDefinition, spec: FlagSpec): Instruction[] {
  const out: Instruction[] = [];
  if (def.archived) out.push({ kind: 'restoreFlag' });
  if (def.name !== spec.name) out.push({ kind: 'updateName', value: spec.name });
  if (def.description !== (spec.description ?? ''))
    out.push({ kind: 'updateDescription', value: spec.description ?? '' });
  const tags = [...new Set(spec.tags ?? [])].sort();
  const added = tags.filter((t) => !def.tags.includes(t));
  const removed = def.tags.filter((t) => !tags.includes(t));
  if (added.length) out.push({ kind: 'addTags', values: added });
  if (removed.length) out.push({ kind: 'removeTags', values: removed });
  const temporary = spec.temporary ?? true;
  if (def.temporary !== temporary) out.push({ kind: temporary ? 'makeFlagTemporary' : 'makeFlagPermanent' });
  if ((def.maintainerId ?? null) !== (spec.maintainerId ?? null))
    out.push({ kind: 'updateMaintainer', value: spec.maintainerId ?? null });
  if ((def.plannedRemovalDate ?? null) !== (spec.plannedRemovalDate ?? null))
    out.push({ kind: 'updatePlannedRemovalDate', value: spec.plannedRemovalDate ?? null });
  const services = [...new Set(spec.services ?? [])].sort();
  if (services.join('\n') !== (def.services ?? []).join('\n')) out.push({ kind: 'setServices', values: services });
  for (const wanted of spec.variations) {
    const live = def.variations.find((v) => deepEqual(v.value, wanted.value));
    if (!live) {
      out.push({
        kind: 'addVariation',
        value: wanted.value,
        ...(wanted.name ? { name: wanted.name } : {}),
        ...(wanted.description ? { description: wanted.description } : {}),
      });
      continue;
    }
    // An empty string clears a name or description (updateVariation's contract).
    const name = (live.name ?? '') !== (wanted.name ?? '') ? { name: wanted.name ?? '' } : {};
    const description =
      (live.description ?? '') !== (wanted.description ?? '') ? { description: wanted.description ?? '' } : {};
    if (Object.keys(name).length || Object.keys(description).length)
      out.push({ kind: 'updateVariation', variationId: live._id, ...name, ...description });
  }
  return out;
}

/** Variations the file no longer lists: the write after targeting. */
export function variationRemovals(def: FlagDefinition, spec: FlagSpec): Instruction[] {
  return def.variations
    .filter((v) => !spec.variations.some((wanted) => deepEqual(wanted.value, v.value)))
    .map((v) => ({ kind: 'removeVariation', variationId: v._id }));
}

/** What the file asks for that instructions cannot do (reported, never silently ignored). */
export function flagWarnings(def: FlagDefinition, spec: FlagSpec): string[] {
  const wanted = spec.clientSideAvailability ?? { usingEnvironmentId: false, usingMobileKey: false };
  return deepEqual(def.clientSideAvailability, wanted)
    ? []
    : [`flag '${def.key}': clientSideAvailability is set when a flag is created and no instruction changes it`];
}

/** The environment's targeting instructions; problems (unknown variations, missing prerequisite flags) are collected with paths. */
export function environmentInstructions(
  def: FlagDefinition,
  current: FlagEnvironmentConfig,
  spec: FlagEnvironmentSpec,
  lookups: DesiredLookups,
  path: string,
  problems: ConfigProblem[],
): Instruction[] {
  const before = problems.length;
  const target = desiredEnvironment(def, current, spec, lookups, path, problems);
  if (problems.length > before) return [];
  try {
    return restoreInstructions(
      { flag: def, environment: current },
      { flag: def, environment: target },
      { prerequisiteVariations: (key) => lookups.flag(key)?.variations },
    );
  } catch (error) {
    // The shared differ words this limit for version restore; say what it means for a file.
    if (!(error instanceof DomainError) || error.code !== 'flag_version/restore_too_large') throw error;
    problems.push({
      field: path,
      reason: `${error.message.split(',')[0]}; apply the change in smaller steps (part of the edit first)`,
    });
    return [];
  }
}
