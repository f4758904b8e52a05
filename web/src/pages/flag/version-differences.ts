/**
 * What changed between two versions of a flag in one environment, as short sentences for a person
 * ("on: false → true", "rule 2 added: staff", "fallthrough rollout changed"). Pure: the flag page
 * shows them above the side-by-side view and names each version's kind of change with them.
 * Variations are named by name (or value), never by index; rules are matched by their stable _id.
 */
import type { components } from '../../../../openapi/schema';

type Schemas = components['schemas'];
type FlagDefinition = Schemas['FlagDefinitionDto'];
type EnvironmentConfig = Schemas['FlagEnvironmentConfigDto'];
type Rule = Schemas['RuleDto'];
type Serve = Schemas['VariationOrRolloutDto'];
type Target = Schemas['TargetDto'];

export interface VersionSide {
  flag: FlagDefinition;
  environment: EnvironmentConfig;
}

/** Which part of the flag a difference is in (the "kind of change" of a version). */
export type DifferenceArea =
  'on/off' | 'rules' | 'targets' | 'fallthrough' | 'off variation' | 'prerequisites' | 'event tracking' | 'definition';

export interface Difference {
  area: DifferenceArea;
  text: string;
}

/** A variation by name, else its value as JSON; `none` for a missing index. */
export function variationLabel(flag: FlagDefinition, index: number | null | undefined): string {
  if (index === null || index === undefined) return 'none';
  const v = flag.variations[index];
  if (!v) return `variation #${index}`;
  return v.name ? v.name : JSON.stringify(v.value);
}

/** "a 60% · b 40%" (weights are thousandths of a percent). */
function rolloutLabel(flag: FlagDefinition, rollout: NonNullable<Serve['rollout']>): string {
  return rollout.variations
    .filter((w) => w.weight > 0)
    .map((w) => `${variationLabel(flag, w.variation)} ${w.weight / 1000}%`)
    .join(' · ');
}

function serveLabel(flag: FlagDefinition, serve: Serve): string {
  return serve.rollout ? `rollout ${rolloutLabel(flag, serve.rollout)}` : variationLabel(flag, serve.variation);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function serveDifference(label: string, before: VersionSide, a: Serve, after: VersionSide, b: Serve): string | null {
  const was = serveLabel(before.flag, a);
  const now = serveLabel(after.flag, b);
  if (was !== now) {
    if (a.rollout && b.rollout) return `${label} rollout changed: ${was.slice(8)} → ${now.slice(8)}`;
    return `${label}: ${was} → ${now}`;
  }
  // Same weights and variations, but bucketing (bucketBy, seed, kind) differs.
  return same(a, b) ? null : `${label} rollout changed (bucketing)`;
}

function ruleName(rule: Rule): string {
  return rule.description ? `"${rule.description}"` : rule._id;
}

function clausesText(rule: Rule): string {
  return rule.clauses
    .map((c) => `${c.attribute} ${c.negate ? 'not ' : ''}${c.op} ${c.values.map((v) => JSON.stringify(v)).join(', ')}`)
    .join(' and ');
}

function ruleDifferences(before: VersionSide, after: VersionSide): Difference[] {
  const out: Difference[] = [];
  const was = before.environment.rules;
  const now = after.environment.rules;
  const wasById = new Map(was.map((r) => [r._id, r]));
  const nowIds = new Set(now.map((r) => r._id));
  was.forEach((r, i) => {
    if (!nowIds.has(r._id)) out.push({ area: 'rules', text: `rule ${i + 1} removed: ${ruleName(r)}` });
  });
  now.forEach((r, i) => {
    const old = wasById.get(r._id);
    const n = `rule ${i + 1}`;
    if (!old) {
      out.push({
        area: 'rules',
        text: `${n} added: ${ruleName(r)} (${clausesText(r)} → ${serveLabel(after.flag, r)})`,
      });
      return;
    }
    if (!same(old.clauses.map(withoutId), r.clauses.map(withoutId)))
      out.push({ area: 'rules', text: `${n} (${ruleName(r)}) clauses: ${clausesText(old)} → ${clausesText(r)}` });
    const serve = serveDifference(`${n} (${ruleName(r)}) serves`, before, old, after, r);
    if (serve) out.push({ area: 'rules', text: serve });
    if ((old.description ?? '') !== (r.description ?? ''))
      out.push({ area: 'rules', text: `${n} description: "${old.description ?? ''}" → "${r.description ?? ''}"` });
    if (old.trackEvents !== r.trackEvents)
      out.push({ area: 'event tracking', text: `${n} track events: ${old.trackEvents} → ${r.trackEvents}` });
  });
  const kept = was.filter((r) => nowIds.has(r._id)).map((r) => r._id);
  const keptNow = now.filter((r) => wasById.has(r._id)).map((r) => r._id);
  if (!same(kept, keptNow)) out.push({ area: 'rules', text: 'rules reordered' });
  return out;
}

function withoutId<T extends { _id?: string }>(item: T): Omit<T, '_id'> {
  const { _id: _ignored, ...rest } = item;
  return rest;
}

/** Target values keyed by "<context kind>|<variation label>", so a changed index still names the variation. */
function targetSets(side: VersionSide): Map<string, Set<string>> {
  const all: Target[] = [...side.environment.targets, ...side.environment.contextTargets];
  const sets = new Map<string, Set<string>>();
  for (const t of all) {
    const key = `${t.contextKind ?? 'user'}|${variationLabel(side.flag, t.variation)}`;
    const set = sets.get(key) ?? new Set<string>();
    t.values.forEach((v) => set.add(v));
    sets.set(key, set);
  }
  return sets;
}

function targetDifferences(before: VersionSide, after: VersionSide): Difference[] {
  const was = targetSets(before);
  const now = targetSets(after);
  const out: Difference[] = [];
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    const [kind, variation] = key.split('|');
    const a = was.get(key) ?? new Set<string>();
    const b = now.get(key) ?? new Set<string>();
    const added = [...b].filter((v) => !a.has(v));
    const removed = [...a].filter((v) => !b.has(v));
    const who = kind === 'user' ? 'targets' : `${kind} targets`;
    if (added.length) out.push({ area: 'targets', text: `${who} served ${variation}: added ${added.join(', ')}` });
    if (removed.length)
      out.push({ area: 'targets', text: `${who} served ${variation}: removed ${removed.join(', ')}` });
  }
  return out;
}

function prerequisiteDifferences(before: VersionSide, after: VersionSide): Difference[] {
  const was = new Map(before.environment.prerequisites.map((p) => [p.key, p.variation]));
  const now = new Map(after.environment.prerequisites.map((p) => [p.key, p.variation]));
  const out: Difference[] = [];
  for (const [key, v] of now) {
    if (!was.has(key)) out.push({ area: 'prerequisites', text: `prerequisite ${key} added` });
    else if (was.get(key) !== v) out.push({ area: 'prerequisites', text: `prerequisite ${key} changed` });
  }
  for (const key of was.keys())
    if (!now.has(key)) out.push({ area: 'prerequisites', text: `prerequisite ${key} removed` });
  return out;
}

function definitionDifferences(a: FlagDefinition, b: FlagDefinition): Difference[] {
  const out: Difference[] = [];
  const field = (name: string, x: unknown, y: unknown) => {
    if (!same(x, y)) out.push({ area: 'definition', text: `${name}: ${JSON.stringify(x)} → ${JSON.stringify(y)}` });
  };
  field('name', a.name, b.name);
  field('description', a.description, b.description);
  field('tags', a.tags, b.tags);
  field('archived', a.archived, b.archived);
  const label = (f: FlagDefinition) => f.variations.map((_, i) => variationLabel(f, i)).join(', ');
  if (!same(a.variations.map(withoutId), b.variations.map(withoutId)))
    out.push({ area: 'definition', text: `variations: ${label(a)} → ${label(b)}` });
  return out;
}

/** Every difference from `before` to `after`, in reading order: on/off first, definition last. */
export function versionDifferences(before: VersionSide, after: VersionSide): Difference[] {
  const out: Difference[] = [];
  const a = before.environment;
  const b = after.environment;
  if (a.on !== b.on) out.push({ area: 'on/off', text: `on: ${a.on} → ${b.on}` });
  out.push(...prerequisiteDifferences(before, after));
  out.push(...targetDifferences(before, after));
  out.push(...ruleDifferences(before, after));
  const fallthrough = serveDifference('fallthrough', before, a.fallthrough, after, b.fallthrough);
  if (fallthrough) out.push({ area: 'fallthrough', text: fallthrough });
  const offWas = variationLabel(before.flag, a.offVariation);
  const offNow = variationLabel(after.flag, b.offVariation);
  if (offWas !== offNow) out.push({ area: 'off variation', text: `off variation: ${offWas} → ${offNow}` });
  if (a.trackEvents !== b.trackEvents)
    out.push({ area: 'event tracking', text: `track events: ${a.trackEvents} → ${b.trackEvents}` });
  if (a.trackEventsFallthrough !== b.trackEventsFallthrough)
    out.push({
      area: 'event tracking',
      text: `track fallthrough events: ${a.trackEventsFallthrough} → ${b.trackEventsFallthrough}`,
    });
  out.push(...definitionDifferences(before.flag, after.flag));
  return out;
}

/** The areas a version changed, for its line in the history ("on/off, rules"); empty: nothing visible. */
export function changeAreas(differences: readonly Difference[]): DifferenceArea[] {
  return [...new Set(differences.map((d) => d.area))];
}
