/**
 * Live state → the config-as-code file. Deterministic: flags, segments and environments sorted by
 * key, optional fields written only when they differ from what an absent field means, variations
 * named by value, so exporting twice gives the same bytes and a change gives a small git diff.
 * Archived flags and deleted segments are left out (the file describes what is served).
 */
import type {
  Clause,
  FlagDefinition,
  FlagEnvironmentConfig,
  Rollout,
  SegmentConfig,
  VariationOrRollout,
} from '../model/flag-config';
import type {
  ClauseSpec,
  ConfigFile,
  FlagEnvironmentSpec,
  FlagSpec,
  RolloutSpec,
  SegmentSpec,
  ServeSpec,
  VariationRef,
} from './config-file';
import { CONFIG_FILE_VERSION } from './config-file';
import type { LiveFlag } from './live-model';
import { orderedTargets } from './target-order';

export interface ExportInput {
  project: string;
  flags: LiveFlag[];
  segments: Record<string, SegmentConfig[]>;
  /** Environments to include; all of each flag's environments when absent. */
  environments?: string[];
}

const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function exportConfig(input: ExportInput): ConfigFile {
  const wanted = (env: string) => !input.environments || input.environments.includes(env);
  const flags = input.flags
    .filter((f) => !f.flag.archived)
    .map((f) => exportFlag(f, wanted, prerequisiteRef(input.flags)))
    .sort(byKey);
  const segments: Record<string, SegmentSpec[]> = {};
  for (const env of Object.keys(input.segments).sort()) {
    if (!wanted(env)) continue;
    const live = input.segments[env].filter((s) => !s.deleted);
    if (live.length) segments[env] = live.map(exportSegment).sort(byKey);
  }
  return {
    version: CONFIG_FILE_VERSION,
    project: input.project,
    flags,
    ...(Object.keys(segments).length ? { segments } : {}),
  };
}

/** A prerequisite's variation, named by the value it has in the prerequisite flag. */
export type PrerequisiteRef = (flagKey: string, index: number) => VariationRef;

export function prerequisiteRef(flags: LiveFlag[]): PrerequisiteRef {
  const byKey = new Map(flags.map((f) => [f.flag.key, f.flag]));
  return (key, index) => {
    const def = byKey.get(key);
    return def ? ref(def)(index) : index;
  };
}

export function exportFlag(live: LiveFlag, wanted: (env: string) => boolean, prerequisite: PrerequisiteRef): FlagSpec {
  const def = live.flag;
  const environments: Record<string, FlagEnvironmentSpec> = {};
  for (const env of Object.keys(live.environments).sort()) {
    if (wanted(env)) environments[env] = exportFlagEnvironment(def, live.environments[env], prerequisite);
  }
  return {
    key: def.key,
    name: def.name,
    ...(def.description ? { description: def.description } : {}),
    ...(def.tags.length ? { tags: [...def.tags].sort() } : {}),
    temporary: def.temporary,
    ...(def.maintainerId ? { maintainerId: def.maintainerId } : {}),
    ...(def.plannedRemovalDate ? { plannedRemovalDate: def.plannedRemovalDate } : {}),
    ...(def.services?.length ? { services: [...def.services] } : {}),
    ...(def.clientSideAvailability.usingEnvironmentId || def.clientSideAvailability.usingMobileKey
      ? { clientSideAvailability: { ...def.clientSideAvailability } }
      : {}),
    variations: def.variations.map((v) => ({
      value: v.value,
      ...(v.name ? { name: v.name } : {}),
      ...(v.description ? { description: v.description } : {}),
    })),
    environments,
  };
}

/** Index → the variation's value (a dangling index, which the write path never stores, stays a number). */
const ref =
  (def: FlagDefinition) =>
  (index: number): VariationRef =>
    def.variations[index]?.value ?? index;

export function exportFlagEnvironment(
  def: FlagDefinition,
  env: FlagEnvironmentConfig,
  prerequisite: PrerequisiteRef,
): FlagEnvironmentSpec {
  const variation = ref(def);
  const targets = orderedTargets(env);
  return {
    on: env.on,
    offVariation: env.offVariation === null ? null : variation(env.offVariation),
    fallthrough: exportServe(env.fallthrough, variation),
    ...(targets.length
      ? {
          targets: targets.map((t) => ({
            variation: variation(t.variation),
            ...(t.contextKind !== 'user' ? { contextKind: t.contextKind } : {}),
            values: [...t.values],
          })),
        }
      : {}),
    ...(env.rules.length
      ? {
          rules: env.rules.map((r) => ({
            id: r._id,
            ...(r.description ? { description: r.description } : {}),
            clauses: r.clauses.map(exportClause),
            ...exportServe(r, variation),
            ...(r.trackEvents ? { trackEvents: true } : {}),
          })),
        }
      : {}),
    ...(env.prerequisites.length
      ? { prerequisites: env.prerequisites.map((p) => ({ flag: p.key, variation: prerequisite(p.key, p.variation) })) }
      : {}),
    ...(env.trackEvents ? { trackEvents: true } : {}),
    ...(env.trackEventsFallthrough ? { trackEventsFallthrough: true } : {}),
  };
}

function exportServe(serve: VariationOrRollout, variation: (index: number) => VariationRef): ServeSpec {
  if (serve.rollout) return { rollout: exportRollout(serve.rollout, variation) };
  return { variation: serve.variation === undefined ? null : variation(serve.variation) };
}

function exportRollout(rollout: Rollout, variation: (index: number) => VariationRef): RolloutSpec {
  return {
    variations: rollout.variations
      .filter((wv) => wv.weight > 0)
      .map((wv) => ({ variation: variation(wv.variation), weight: wv.weight })),
    ...(rollout.bucketBy !== undefined ? { bucketBy: rollout.bucketBy } : {}),
    ...(rollout.contextKind !== undefined ? { contextKind: rollout.contextKind } : {}),
  };
}

function exportClause(c: Clause): ClauseSpec {
  return {
    ...(c.contextKind !== undefined ? { contextKind: c.contextKind } : {}),
    ...(c.op !== 'segmentMatch' || c.attribute ? { attribute: c.attribute } : {}),
    op: c.op,
    values: [...c.values],
    ...(c.negate ? { negate: true } : {}),
  };
}

export function exportSegment(s: SegmentConfig): SegmentSpec {
  return {
    key: s.key,
    name: s.name,
    ...(s.description ? { description: s.description } : {}),
    ...(s.tags.length ? { tags: [...s.tags].sort() } : {}),
    ...(s.included.length ? { included: [...s.included] } : {}),
    ...(s.excluded.length ? { excluded: [...s.excluded] } : {}),
    ...(s.includedContexts.length
      ? { includedContexts: s.includedContexts.map((t) => ({ contextKind: t.contextKind, values: [...t.values] })) }
      : {}),
    ...(s.excludedContexts.length
      ? { excludedContexts: s.excludedContexts.map((t) => ({ contextKind: t.contextKind, values: [...t.values] })) }
      : {}),
    ...(s.rules.length
      ? {
          rules: s.rules.map((r) => ({
            id: r._id,
            ...(r.description ? { description: r.description } : {}),
            clauses: r.clauses.map(exportClause),
            ...(r.weight !== undefined ? { weight: r.weight } : {}),
            ...(r.bucketBy !== undefined ? { bucketBy: r.bucketBy } : {}),
            ...(r.rolloutContextKind !== undefined ? { rolloutContextKind: r.rolloutContextKind } : {}),
          })),
        }
      : {}),
  };
}
