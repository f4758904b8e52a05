import { FlagEnvironmentConfig, Variation } from '../model/flag-config';
import { EnvironmentHandler } from './flag-patch-types';
import { ensureUserPlaceholders, pruneTargets, targetEntry, targetingVariation } from './flag-targets';
import { Fields } from './instruction-fields';
import { MAX_VALUES_PER_INSTRUCTION, USER_KIND } from './limits';
import { readVariationIndex } from './rollout-input';

/** What one entry of replaceTargets (and addTargets/removeTargets itself) carries. */
export const TARGET_FIELDS = ['variationId', 'values', 'contextKind'] as const;

interface TargetInput {
  kind: string;
  variation: number;
  values: string[];
}

function readTargetInput(f: Fields, variations: Variation[]): TargetInput {
  const variation = readVariationIndex(f, variations);
  const values = [...new Set(f.stringList('values'))];
  return { kind: f.optContextKind('contextKind') ?? USER_KIND, variation, values };
}

/** A context key is served by at most one variation per kind, or the result would depend on entry order. */
function addTargets(f: Fields, env: FlagEnvironmentConfig, variations: Variation[], input: TargetInput): void {
  for (const key of input.values) {
    const current = targetingVariation(env, input.kind, key);
    if (current !== undefined && current !== input.variation) {
      f.fail(`'${key}' (${input.kind}) is already targeted by variation '${variations[current]?._id}'`, 'values');
    }
  }
  if (input.values.length === 0) return;
  const entry = targetEntry(env, input.kind, input.variation, true);
  entry?.values.push(...input.values.filter((key) => !entry.values.includes(key)));
}

export const FLAG_TARGET_HANDLERS = {
  addTargets: {
    action: 'updateTargets',
    fields: TARGET_FIELDS,
    apply(f, { env, flag }) {
      const input = readTargetInput(f, flag.variations);
      ensureUserPlaceholders(env);
      addTargets(f, env, flag.variations, input);
      pruneTargets(env);
    },
  },
  removeTargets: {
    action: 'updateTargets',
    fields: TARGET_FIELDS,
    apply(f, { env, flag }) {
      const input = readTargetInput(f, flag.variations);
      const entry = targetEntry(env, input.kind, input.variation, false);
      // Keys that are not targeted are ignored: the end state is what was asked for.
      if (entry) entry.values = entry.values.filter((key) => !input.values.includes(key));
      ensureUserPlaceholders(env);
      pruneTargets(env);
    },
  },
  replaceTargets: {
    action: 'updateTargets',
    fields: ['targets'],
    apply(f, { env, flag }) {
      const inputs = f
        .objectList('targets', TARGET_FIELDS)
        .map((entry) => ({ entry, input: readTargetInput(entry, flag.variations) }));
      const total = inputs.reduce((sum, { input }) => sum + input.values.length, 0);
      if (total > MAX_VALUES_PER_INSTRUCTION)
        f.fail(`may hold at most ${MAX_VALUES_PER_INSTRUCTION} values`, 'targets');
      env.targets = [];
      env.contextTargets = [];
      for (const { entry, input } of inputs) addTargets(entry, env, flag.variations, input);
      pruneTargets(env);
    },
  },
  clearTargets: {
    action: 'updateTargets',
    fields: [],
    apply(_f, { env }) {
      env.targets = [];
      env.contextTargets = [];
    },
  },
} satisfies Record<string, EnvironmentHandler>;
