/**
 * A file's flag environment as the stored config it asks for, in the terms of the flag's current
 * definition (variation indexes of its live variations, the prerequisite flags' indexes), so that
 * core/patch's restoreInstructions can compute the instructions between the two. Things the file
 * cannot say (salt, a rollout's kind and seed) are taken from the current config, so they never
 * show up as drift.
 */
import type {
  Clause,
  FlagDefinition,
  FlagEnvironmentConfig,
  Rollout,
  Rule,
  VariationOrRollout,
} from '../model/flag-config';
import { deepEqual } from '../patch/json-value';
import type { ClauseSpec, FlagEnvironmentSpec, ServeSpec, VariationRef } from './config-file';
import type { ConfigProblem } from './schema-check';
import { toStoredTargets } from './target-order';

export interface DesiredLookups {
  /** The current definition of another flag of the project (for prerequisites), if it exists. */
  flag(key: string): FlagDefinition | undefined;
}

export function variationIndex(def: FlagDefinition, value: VariationRef): number {
  return def.variations.findIndex((v) => deepEqual(v.value, value));
}

export function desiredEnvironment(
  def: FlagDefinition,
  current: FlagEnvironmentConfig,
  spec: FlagEnvironmentSpec,
  lookups: DesiredLookups,
  path: string,
  problems: ConfigProblem[],
): FlagEnvironmentConfig {
  const index = (value: VariationRef, field: string, of: FlagDefinition = def): number => {
    const i = variationIndex(of, value);
    if (i < 0) problems.push({ field, reason: `${JSON.stringify(value)} is not a variation of flag '${of.key}'` });
    return Math.max(i, 0);
  };
  const rules = (spec.rules ?? []).map((rule, i): Rule => {
    const live = current.rules.find((r) => r._id === rule.id);
    return {
      _id: rule.id,
      clauses: clausesFor(rule.clauses, live?.clauses ?? []),
      ...serve(rule, live, `${path}.rules[${i}]`, index),
      ...(rule.description ? { description: rule.description } : {}),
      trackEvents: rule.trackEvents ?? false,
    };
  });
  const prerequisites = (spec.prerequisites ?? []).flatMap((p, i) => {
    const other = lookups.flag(p.flag);
    if (!other) {
      problems.push({ field: `${path}.prerequisites[${i}].flag`, reason: `flag '${p.flag}' does not exist` });
      return [];
    }
    return [{ key: p.flag, variation: index(p.variation, `${path}.prerequisites[${i}].variation`, other) }];
  });
  const targets = toStoredTargets(
    (spec.targets ?? []).map((t, i) => ({
      contextKind: t.contextKind ?? 'user',
      variation: index(t.variation, `${path}.targets[${i}].variation`),
      values: t.values,
    })),
  );
  return {
    on: spec.on,
    offVariation: spec.offVariation === null ? null : index(spec.offVariation, `${path}.offVariation`),
    fallthrough: serve(spec.fallthrough, current.fallthrough, `${path}.fallthrough`, index),
    ...targets,
    rules,
    prerequisites,
    salt: current.salt,
    trackEvents: spec.trackEvents ?? false,
    trackEventsFallthrough: spec.trackEventsFallthrough ?? false,
    version: current.version,
  };
}

function serve(
  spec: ServeSpec,
  current: VariationOrRollout | undefined,
  path: string,
  index: (value: VariationRef, field: string) => number,
): VariationOrRollout {
  if (!spec.rollout) return { variation: index(spec.variation ?? null, `${path}.variation`) };
  const rollout: Rollout = {
    variations: spec.rollout.variations.map((wv, i) => ({
      variation: index(wv.variation, `${path}.rollout.variations[${i}].variation`),
      weight: wv.weight,
    })),
  };
  if (spec.rollout.bucketBy !== undefined) rollout.bucketBy = spec.rollout.bucketBy;
  if (spec.rollout.contextKind !== undefined) rollout.contextKind = spec.rollout.contextKind;
  // kind and seed are not in the file: an experiment's stay as they are.
  if (current?.rollout?.kind !== undefined) rollout.kind = current.rollout.kind;
  if (current?.rollout?.seed !== undefined) rollout.seed = current.rollout.seed;
  return { rollout };
}

const clauseContent = (c: ClauseSpec | Clause) => ({
  contextKind: c.contextKind,
  attribute: c.attribute ?? '',
  op: c.op,
  values: c.values,
  negate: c.negate ?? false,
});

/**
 * The file's clauses under the ids of the live clauses they correspond to: the same content first
 * (unchanged clauses), then the same position (an edited clause is an `updateClause`, not a
 * remove and an add); the rest get placeholder ids and are added.
 */
function clausesFor(specs: ClauseSpec[], live: Clause[]): Clause[] {
  const claimed = new Set<string>();
  const ids = specs.map((spec) => {
    const same = live.find((c) => !claimed.has(c._id) && deepEqual(clauseContent(c), clauseContent(spec)));
    if (same) claimed.add(same._id);
    return same?._id;
  });
  return specs.map((spec, i) => {
    let id = ids[i];
    if (id === undefined && live[i] && !claimed.has(live[i]._id) && !ids.includes(live[i]._id)) {
      id = live[i]._id;
      claimed.add(id);
    }
    const content = clauseContent(spec);
    return {
      _id: id ?? `new-clause-${i}`,
      attribute: content.attribute,
      op: content.op,
      values: content.values,
      negate: content.negate,
      ...(spec.contextKind !== undefined ? { contextKind: spec.contextKind } : {}),
    };
  });
}
