import { DomainError } from '../errors';
import type {
  Clause,
  FlagDefinition,
  FlagEnvironmentConfig,
  Prerequisite,
  Rule,
  Target,
  Variation,
  VariationOrRollout,
} from '../model/flag-config';
import { isUserEntry } from './flag-targets';
import { deepEqual } from './json-value';
import { MAX_CLAUSES_PER_RULE, MAX_INSTRUCTIONS, MAX_VALUES_PER_INSTRUCTION, USER_KIND } from './limits';

/**
 * Restore: the semantic-patch instructions that turn a flag's CURRENT configuration in one
 * environment into the configuration it had at a kept version, so that a restore is an ordinary
 * write through the one write path (authorized per instruction, gated, audited, reviewable as a
 * change request) rather than a snapshot copied over the row.
 *
 * Variations are flag-level and are not restored: the version's variation indexes are mapped to
 * variation ids through the version's own definition, and those ids must still exist (else 409
 * `flag_version/variation_removed`, naming them). The result therefore serves the same variations
 * (by id) even when indexes moved since. A prerequisite's variation is an index into the other
 * flag's variations, which are not versioned with this flag: it is read through that flag's current
 * variations.
 *
 * Rule ids are identities that outlive edits: pending change requests, scheduled changes, release
 * steps, audit diffs and the version history all address rules by id. So a restore keeps them:
 * a rule present in both versions is edited in place (it keeps its id, and the diff reads "rule
 * changed", not "removed and added"); a rule that was removed since the version is added back with
 * the id it had there (addRule takes a ruleId), so the restored configuration matches the version's
 * snapshot rule for rule; a rule added since is removed. Clause ids are the patch's business (an
 * instruction cannot choose one): clauses kept in place keep their ids, clauses added back get new
 * ones.
 *
 * Not restorable by instructions, and never written by them either: `salt`, and a rollout's `kind`,
 * `seed` and `untracked`. They are left as they are.
 */

export interface RestoreState {
  flag: FlagDefinition;
  environment: FlagEnvironmentConfig;
}

export interface RestoreLookups {
  /** Another flag's current variations (for prerequisites); undefined if it no longer exists or is archived. */
  prerequisiteVariations(key: string): readonly Variation[] | undefined;
}

export type RestoreInstruction = { kind: string } & Record<string, unknown>;

/** Empty when `current` already is `target` (as far as instructions can tell). */
export function restoreInstructions(
  current: RestoreState,
  target: RestoreState,
  lookups: RestoreLookups,
): RestoreInstruction[] {
  const ids = new VariationIds(current.flag.variations, target.flag.variations);
  const cur = current.environment;
  const tgt = target.environment;
  const out: RestoreInstruction[] = [];
  if (cur.on !== tgt.on) out.push({ kind: tgt.on ? 'turnFlagOn' : 'turnFlagOff' });
  const off = tgt.offVariation === null ? null : ids.targetId(tgt.offVariation, 'offVariation');
  if (off !== (cur.offVariation === null ? null : ids.currentId(cur.offVariation))) {
    out.push({ kind: 'updateOffVariation', variationId: off });
  }
  out.push(
    ...serveChange('updateFallthroughVariationOrRollout', {}, cur.fallthrough, tgt.fallthrough, ids, 'fallthrough'),
  );
  if (cur.trackEvents !== tgt.trackEvents) out.push({ kind: 'updateTrackEvents', trackEvents: tgt.trackEvents });
  if (cur.trackEventsFallthrough !== tgt.trackEventsFallthrough) {
    out.push({ kind: 'updateTrackEventsFallthrough', trackEvents: tgt.trackEventsFallthrough });
  }
  out.push(...targetChanges(cur, tgt, ids));
  out.push(...prerequisiteChanges(cur.prerequisites, tgt.prerequisites, lookups));
  out.push(...ruleChanges(cur.rules, tgt.rules, ids));
  ids.assertNoneMissing();
  if (out.length > MAX_INSTRUCTIONS) {
    throw new DomainError(
      'flag_version/restore_too_large',
      `restoring this version takes ${out.length} instructions, more than the ${MAX_INSTRUCTIONS} one write may hold; ` +
        'restore an intermediate version first',
    );
  }
  return out;
}

/** Index → id on each side; every reference to a variation the flag no longer has is collected, then refused at once. */
class VariationIds {
  private readonly missing = new Map<string, string[]>();

  constructor(
    private readonly current: readonly Variation[],
    private readonly target: readonly Variation[],
  ) {}

  currentId(index: number): string | undefined {
    return this.current[index]?._id;
  }

  /** The id of the version's variation `index`, or a placeholder while the reference is recorded as missing. */
  targetId(index: number, where: string): string {
    const id = this.target[index]?._id;
    if (id !== undefined && this.current.some((v) => v._id === id)) return id;
    const name = id ?? `#${index}`;
    this.missing.set(name, [...(this.missing.get(name) ?? []), where]);
    return name;
  }

  assertNoneMissing(): void {
    if (!this.missing.size) return;
    const names = [...this.missing.keys()];
    throw new DomainError(
      'flag_version/variation_removed',
      `the version serves variation${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')} ` +
        'that the flag no longer has; variations are not restored (add it back first, or restore another version)',
      [...this.missing].flatMap(([id, places]) =>
        places.map((field) => ({ field, reason: `variation '${id}' was removed` })),
      ),
    );
  }
}

// ---- What is served: a variation or a rollout, compared by variation id. ----

interface Serve {
  variationId?: string;
  weights?: Record<string, number>;
  bucketBy?: string;
  contextKind?: string;
  kind?: string;
  seed?: number;
}

function currentServe(s: VariationOrRollout, ids: VariationIds): Serve {
  if (!s.rollout) return { variationId: s.variation === undefined ? undefined : ids.currentId(s.variation) };
  const weights: Record<string, number> = {};
  for (const wv of s.rollout.variations) {
    const id = ids.currentId(wv.variation);
    if (wv.weight > 0 && id !== undefined) weights[id] = (weights[id] ?? 0) + wv.weight;
  }
  const { bucketBy, contextKind, kind, seed } = s.rollout;
  return { weights, bucketBy, contextKind, kind, seed };
}

function targetServe(s: VariationOrRollout, ids: VariationIds, where: string): Serve {
  if (!s.rollout) return { variationId: s.variation === undefined ? undefined : ids.targetId(s.variation, where) };
  const weights: Record<string, number> = {};
  s.rollout.variations.forEach((wv, i) => {
    // A variation removed since the version only matters if the version gave it a share.
    if (wv.weight > 0) {
      const id = ids.targetId(wv.variation, `${where}.rollout.variations[${i}]`);
      weights[id] = (weights[id] ?? 0) + wv.weight;
    }
  });
  const { bucketBy, contextKind, kind, seed } = s.rollout;
  return { weights, bucketBy, contextKind, kind, seed };
}

/** The serve fields of an instruction (variationId | rolloutWeights + bucketBy + contextKind). */
function serveFields(s: Serve): Record<string, unknown> {
  if (s.weights === undefined) return { variationId: s.variationId };
  return {
    rolloutWeights: s.weights,
    ...(s.bucketBy !== undefined ? { rolloutBucketBy: s.bucketBy } : {}),
    ...(s.contextKind !== undefined ? { rolloutContextKind: s.contextKind } : {}),
  };
}

/**
 * The instructions that make `cur` serve like `tgt`. A rollout instruction keeps the current
 * rollout's bucketBy/contextKind (and kind/seed) when it omits them, so when the version had none
 * of those, a fixed variation is served first within the same write to start from a clean rollout.
 */
function serveChange(
  kind: string,
  address: Record<string, unknown>,
  cur: VariationOrRollout,
  tgt: VariationOrRollout,
  ids: VariationIds,
  where: string,
): RestoreInstruction[] {
  const before = currentServe(cur, ids);
  const after = targetServe(tgt, ids, where);
  if (deepEqual(before, after)) return [];
  const out: RestoreInstruction[] = [];
  const keeps = (field: keyof Serve) => before[field] !== undefined && after[field] === undefined;
  if (before.weights && after.weights && (['bucketBy', 'contextKind', 'kind', 'seed'] as const).some(keeps)) {
    out.push({ kind, ...address, variationId: Object.keys(after.weights)[0] });
  }
  out.push({ kind, ...address, ...serveFields(after) });
  return out;
}

// ---- Individual targets. ----

interface TargetEntry {
  contextKind: string;
  variationId: string;
  values: string[];
}

/**
 * Targets in the order the SDK checks them: `contextTargets`, with each user placeholder standing
 * for its `targets` entry (user entries without a placeholder come first, as core/patch repairs them).
 */
function targetEntries(env: FlagEnvironmentConfig, idOf: (index: number, where: string) => string): TargetEntry[] {
  const user = (t: Target, where: string): TargetEntry => ({
    contextKind: USER_KIND,
    variationId: idOf(t.variation, where),
    values: t.values,
  });
  const placed = new Set(env.contextTargets.filter(isUserEntry).map((t) => t.variation));
  const entries = env.targets.flatMap((t, i) => (placed.has(t.variation) ? [] : [user(t, `targets[${i}]`)]));
  env.contextTargets.forEach((entry, i) => {
    if (!isUserEntry(entry)) {
      entries.push({
        contextKind: entry.contextKind!,
        variationId: idOf(entry.variation, `contextTargets[${i}]`),
        values: entry.values,
      });
      return;
    }
    const j = env.targets.findIndex((t) => t.variation === entry.variation);
    if (j >= 0 && !entries.some((e) => e.contextKind === USER_KIND && e.values === env.targets[j].values)) {
      entries.push(user(env.targets[j], `targets[${j}]`));
    }
  });
  return entries.filter((e) => e.values.length > 0);
}

/** Targets are replaced as a whole: that is the one way to get their order (which decides ties across kinds) exact. */
function targetChanges(
  cur: FlagEnvironmentConfig,
  tgt: FlagEnvironmentConfig,
  ids: VariationIds,
): RestoreInstruction[] {
  const before = targetEntries(cur, (i) => ids.currentId(i) ?? `#${i}`);
  const after = targetEntries(tgt, (i, where) => ids.targetId(i, where));
  if (deepEqual(before, after)) return [];
  if (!after.length) return [{ kind: 'clearTargets' }];
  const input = (e: TargetEntry, values = e.values) => ({
    variationId: e.variationId,
    values,
    ...(e.contextKind !== USER_KIND ? { contextKind: e.contextKind } : {}),
  });
  const total = after.reduce((sum, e) => sum + e.values.length, 0);
  if (total <= MAX_VALUES_PER_INSTRUCTION) return [{ kind: 'replaceTargets', targets: after.map((e) => input(e)) }];
  // Too many keys for one instruction: clear, then add entry by entry (in order) in bounded chunks.
  const out: RestoreInstruction[] = [{ kind: 'clearTargets' }];
  for (const e of after) {
    for (let i = 0; i < e.values.length; i += MAX_VALUES_PER_INSTRUCTION) {
      out.push({ kind: 'addTargets', ...input(e, e.values.slice(i, i + MAX_VALUES_PER_INSTRUCTION)) });
    }
  }
  return out;
}

// ---- Ordered lists edited in place: prerequisites, clauses. ----

/**
 * How to edit `current` into `target` when items can only be removed, updated in place, or appended:
 * keep the longest prefix of `target` whose items appear in `current` in that order; everything else
 * of `current` goes, the rest of `target` is appended.
 */
function splitForAppend<T>(current: T[], target: T[], idOf: (item: T) => string) {
  const targetIds = new Set(target.map(idOf));
  const kept = current.filter((item) => targetIds.has(idOf(item)));
  let prefix = 0;
  while (prefix < kept.length && prefix < target.length && idOf(kept[prefix]) === idOf(target[prefix])) prefix++;
  const keepIds = new Set(target.slice(0, prefix).map(idOf));
  return {
    /** Pairs [current, target] kept in place. */
    kept: target.slice(0, prefix).map((t) => [current.find((c) => idOf(c) === idOf(t))!, t] as const),
    removed: current.filter((item) => !keepIds.has(idOf(item))),
    added: target.slice(prefix),
  };
}

function prerequisiteChanges(
  current: Prerequisite[],
  target: Prerequisite[],
  lookups: RestoreLookups,
): RestoreInstruction[] {
  const missing: string[] = [];
  const variationIdOf = (p: Prerequisite): string => {
    const variations = lookups.prerequisiteVariations(p.key);
    const id = variations?.[p.variation]?._id;
    if (id === undefined) missing.push(p.key);
    return id ?? `#${p.variation}`;
  };
  const { kept, removed, added } = splitForAppend(current, target, (p) => p.key);
  const out: RestoreInstruction[] = removed.map((p) => ({ kind: 'removePrerequisite', key: p.key }));
  for (const [c, t] of kept) {
    if (c.variation !== t.variation)
      out.push({ kind: 'updatePrerequisite', key: t.key, variationId: variationIdOf(t) });
  }
  for (const p of added) out.push({ kind: 'addPrerequisite', key: p.key, variationId: variationIdOf(p) });
  if (missing.length) {
    throw new DomainError(
      'flag_version/prerequisite_removed',
      `the version has prerequisite${missing.length > 1 ? 's' : ''} ${missing.map((k) => `'${k}'`).join(', ')} ` +
        'that no longer exist (or are archived, or lost that variation)',
      missing.map((key) => ({ field: 'prerequisites', reason: `flag '${key}' cannot be a prerequisite any more` })),
    );
  }
  return out;
}

const clauseInput = (c: Clause) => ({
  ...(c.contextKind !== undefined ? { contextKind: c.contextKind } : {}),
  attribute: c.attribute,
  op: c.op,
  values: c.values,
  negate: c.negate,
});

/**
 * The version's clauses, each under the id of the current clause it matches: the same id, else the
 * same content (a rule added back by an earlier restore has new clause ids, and restoring again must
 * find nothing to do).
 */
function alignClauses(current: Clause[], target: Clause[]): Clause[] {
  const currentIds = new Set(current.map((c) => c._id));
  const targetIds = new Set(target.map((c) => c._id));
  const unclaimed = current.filter((c) => !targetIds.has(c._id));
  return target.map((t) => {
    if (currentIds.has(t._id)) return t;
    const i = unclaimed.findIndex((c) => deepEqual(clauseInput(c), clauseInput(t)));
    return i < 0 ? t : { ...t, _id: unclaimed.splice(i, 1)[0]._id };
  });
}

/** Clause edits of a rule kept in place; null when they cannot be expressed (the rule is then re-added). */
function clauseChanges(ruleId: string, current: Clause[], versionClauses: Clause[]): RestoreInstruction[] | null {
  const target = alignClauses(current, versionClauses);
  const { kept, removed, added } = splitForAppend(current, target, (c) => c._id);
  const out: RestoreInstruction[] = [];
  for (const [c, t] of kept) {
    if (!deepEqual(clauseInput(c), clauseInput(t))) {
      out.push({ kind: 'updateClause', ruleId, clauseId: c._id, clause: clauseInput(t) });
    }
  }
  const remove = removed.length ? [{ kind: 'removeClauses', ruleId, clauseIds: removed.map((c) => c._id) }] : [];
  const add = added.length ? [{ kind: 'addClauses', ruleId, clauses: added.map(clauseInput) }] : [];
  // A rule must keep a clause at every step: with nothing kept, add before removing.
  if (kept.length) return [...out, ...remove, ...add];
  if (current.length + added.length > MAX_CLAUSES_PER_RULE) return null;
  return [...out, ...add, ...remove];
}

// ---- Rules. ----

function addRule(rule: Rule, ids: VariationIds, where: string): RestoreInstruction[] {
  const out: RestoreInstruction[] = [
    {
      kind: 'addRule',
      ruleId: rule._id,
      clauses: rule.clauses.map(clauseInput),
      ...serveFields(targetServe(rule, ids, where)),
      ...(rule.description ? { description: rule.description } : {}),
    },
  ];
  if (rule.trackEvents) out.push({ kind: 'updateRuleTrackEvents', ruleId: rule._id, trackEvents: true });
  return out;
}

function ruleChanges(current: Rule[], target: Rule[], ids: VariationIds): RestoreInstruction[] {
  const removals: RestoreInstruction[] = [];
  const edits: RestoreInstruction[] = [];
  const additions: RestoreInstruction[] = [];
  // The rule ids in the order the instructions leave them, to know whether a reorder is needed.
  const order: string[] = [];
  for (const rule of current) {
    if (!target.some((t) => t._id === rule._id)) removals.push({ kind: 'removeRule', ruleId: rule._id });
  }
  target.forEach((t, i) => {
    const where = `rules[${i}]`;
    const c = current.find((r) => r._id === t._id);
    const clauses = c && clauseChanges(t._id, c.clauses, t.clauses);
    if (!c || !clauses) {
      if (c) removals.push({ kind: 'removeRule', ruleId: c._id });
      additions.push(...addRule(t, ids, where));
      return;
    }
    edits.push(...clauses);
    edits.push(...serveChange('updateRuleVariationOrRollout', { ruleId: t._id }, c, t, ids, where));
    if ((c.description ?? '') !== (t.description ?? '')) {
      edits.push({ kind: 'updateRuleDescription', ruleId: t._id, description: t.description ?? '' });
    }
    if (c.trackEvents !== t.trackEvents) {
      edits.push({ kind: 'updateRuleTrackEvents', ruleId: t._id, trackEvents: t.trackEvents });
    }
  });
  const removedIds = new Set(removals.map((r) => r.ruleId));
  order.push(...current.filter((r) => !removedIds.has(r._id)).map((r) => r._id));
  order.push(...additions.filter((a) => a.kind === 'addRule').map((a) => a.ruleId as string));
  const targetOrder = target.map((r) => r._id);
  const reorder = deepEqual(order, targetOrder) ? [] : [{ kind: 'reorderRules', ruleIds: targetOrder }];
  return [...removals, ...edits, ...additions, ...reorder];
}
