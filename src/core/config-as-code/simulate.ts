/**
 * Plays instructions on a copy of the live state with core/patch, exactly as the write path will,
 * without writing: it proves a plan valid before anything is written, and its before/after feed
 * the approval gate (core/approval) so a plan can say which writes need a change request.
 */
import { flagApprovalReasons, segmentApprovalReasons } from '../approval/approval-gate';
import type { ApprovalSettings } from '../approval/approval-settings';
import type { SegmentConfig } from '../model/flag-config';
import { buildFlagDefinition, initialEnvironmentConfig } from '../model/new-flag';
import { applyFlagInstructions } from '../patch/apply-flag-instructions';
import { applySegmentInstructions } from '../patch/apply-segment-instructions';
import type { FlagSpec, SegmentSpec } from './config-file';
import type { Instruction } from './diff-flag';
import type { LiveFlag } from './live-model';

/** What simulated instructions may ask about the rest of the project. */
export interface World {
  flag(key: string): LiveFlag | undefined;
  segmentExists(env: string, key: string): boolean;
}

/** Ids that cannot be mistaken for server ones; a plan shows them for variations not created yet. */
export function placeholderIds(prefix: string): () => string {
  let n = 0;
  return () => `(new ${prefix} ${++n})`;
}

export function simulateFlag(
  world: World,
  live: LiveFlag,
  env: string | undefined,
  instructions: Instruction[],
): LiveFlag {
  const result = applyFlagInstructions(
    { flag: structuredClone(live.flag), environments: structuredClone(live.environments) },
    instructions,
    {
      newId: placeholderIds('id'),
      environmentKey: env,
      lookupFlag: (key) => {
        const other = world.flag(key);
        if (!other || other.flag.archived) return undefined;
        return {
          variations: other.flag.variations,
          prerequisiteKeys: (e) => other.environments[e]?.prerequisites.map((p) => p.key) ?? [],
        };
      },
      segmentExists: (envKey, key) => world.segmentExists(envKey, key),
    },
  );
  const environments = { ...result.environments };
  const changed = result.flagChanged ? Object.keys(environments) : result.changedEnvironments;
  for (const k of changed) environments[k] = { ...environments[k], version: live.environments[k].version + 1 };
  return { flag: result.flag, version: result.flagChanged ? live.version + 1 : live.version, environments };
}

export function simulateSegment(
  world: World,
  env: string,
  live: SegmentConfig,
  instructions: Instruction[],
): SegmentConfig {
  const result = applySegmentInstructions(structuredClone(live), instructions, {
    newId: placeholderIds('id'),
    segmentExists: (key) => key !== live.key && world.segmentExists(env, key),
  });
  return result.changed ? { ...result.segment, version: live.version + 1 } : result.segment;
}

/** A flag as POST /flags creates it from the file (variations in file order, default targeting). */
export function simulateCreatedFlag(spec: FlagSpec, environments: string[]): LiveFlag {
  const flag = buildFlagDefinition(creationInput(spec), placeholderIds(`variation of ${spec.key}`));
  return {
    flag,
    version: 1,
    environments: Object.fromEntries(environments.map((e) => [e, initialEnvironmentConfig(flag, '')])),
  };
}

/** The body of POST /flags for a file's flag: everything the creation takes; targeting follows as instructions. */
export function creationInput(spec: FlagSpec) {
  return {
    key: spec.key,
    name: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.tags?.length ? { tags: spec.tags } : {}),
    temporary: spec.temporary ?? true,
    ...(spec.maintainerId ? { maintainerId: spec.maintainerId } : {}),
    ...(spec.plannedRemovalDate ? { plannedRemovalDate: spec.plannedRemovalDate } : {}),
    ...(spec.clientSideAvailability ? { clientSideAvailability: spec.clientSideAvailability } : {}),
    variations: spec.variations.map((v) => ({
      value: v.value,
      ...(v.name ? { name: v.name } : {}),
      ...(v.description ? { description: v.description } : {}),
    })),
  };
}

/** The body of POST /segments: key, name, description, tags and user keys; the rest follows as instructions. */
export function segmentCreationInput(spec: SegmentSpec) {
  return {
    key: spec.key,
    name: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.tags?.length ? { tags: spec.tags } : {}),
    ...(spec.included?.length ? { included: spec.included } : {}),
    ...(spec.excluded?.length ? { excluded: spec.excluded } : {}),
  };
}

export function simulateCreatedSegment(spec: SegmentSpec): SegmentConfig {
  const input = segmentCreationInput(spec);
  return {
    key: spec.key,
    name: spec.name,
    description: input.description ?? '',
    tags: [...new Set(input.tags ?? [])].sort(),
    included: [...(input.included ?? [])],
    excluded: [...(input.excluded ?? [])],
    includedContexts: [],
    excludedContexts: [],
    rules: [],
    salt: '',
    version: 1,
    deleted: false,
  };
}

export function flagGateReasons(settings: ApprovalSettings, before: LiveFlag, after: LiveFlag, env: string): string[] {
  if (!before.environments[env] || !after.environments[env]) return [];
  return flagApprovalReasons(
    settings,
    { flag: before.flag, environment: before.environments[env] },
    { flag: after.flag, environment: after.environments[env] },
  );
}

export function segmentGateReasons(settings: ApprovalSettings, before: SegmentConfig, after: SegmentConfig): string[] {
  return segmentApprovalReasons(settings, before, after);
}
