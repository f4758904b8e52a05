import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig, Variation } from '../model/flag-config';
import type { ConfigChange } from './config-change';
import { changeOf, listChangeText, valueText } from './diff-format';
import { diffById } from './id-list-diff';
import { diffFlagRules, diffSegmentRules, Namers } from './rule-diff';
import { serveText, variationNamer } from './serve-text';
import { diffContextTargets, diffPrerequisites, diffSegmentContexts, diffTargets } from './target-diff';

export type { ConfigChange } from './config-change';

/**
 * Human-readable diffs for change-request reviewers: what one request does to a flag in one
 * environment, or to a segment. Each table below names every field of its type (the compiler checks
 * that), in the order changes are listed; `null` marks a field that is deliberately ignored.
 */
type FieldDiffs<T, C> = {
  [K in keyof T]-?: ((before: T[K], after: T[K], path: string, ctx: C) => ConfigChange[]) | null;
};

/** Turns a value change into one ConfigChange with the given summary. */
const whole =
  <V>(summary: (before: V, after: V) => string) =>
  (before: V, after: V, path: string): ConfigChange[] =>
    changeOf(path, before, after, () => summary(before, after));

const changedFromTo = (label: string) =>
  whole<unknown>((b, a) => `${label} changed from ${valueText(b)} to ${valueText(a)}`);

const FLAG_FIELDS: FieldDiffs<FlagDefinition, Namers> = {
  key: changedFromTo('key'),
  name: changedFromTo('name'),
  // Descriptions run to pages; the full texts are in before/after.
  description: whole(() => 'description changed'),
  kind: changedFromTo('kind'),
  variations: (before, after, path) => diffVariations(path, before, after),
  defaults: (b, a, path, names) =>
    changeOf(
      path,
      b,
      a,
      () =>
        `defaults for new environments changed ` +
        `from on ${names.before(b.onVariation)} / off ${names.before(b.offVariation)} ` +
        `to on ${names.after(a.onVariation)} / off ${names.after(a.offVariation)}`,
    ),
  tags: whole((b, a) => `tags: ${listChangeText(b, a)}`),
  temporary: whole((_b, a) => (a ? 'marked the flag temporary' : 'marked the flag permanent')),
  archived: whole((_b, a) => (a ? 'archived the flag' : 'restored the flag')),
  clientSideAvailability: whole(
    (_b, a) =>
      `client-side availability: environment id ${a.usingEnvironmentId ? 'on' : 'off'}, mobile key ${a.usingMobileKey ? 'on' : 'off'}`,
  ),
  maintainerId: changedFromTo('maintainer'),
  plannedRemovalDate: changedFromTo('planned removal date'),
  services: whole((b, a) => `services: ${listChangeText(b ?? [], a ?? [])}`),
};

const ENVIRONMENT_FIELDS: FieldDiffs<FlagEnvironmentConfig, Namers> = {
  on: whole((_b, a) => (a ? 'turned the flag on' : 'turned the flag off')),
  offVariation: (b, a, path, names) =>
    changeOf(path, b, a, () => `off variation changed from ${names.before(b)} to ${names.after(a)}`),
  fallthrough: (b, a, path, names) =>
    changeOf(
      path,
      b,
      a,
      () => `fallthrough changed from ${serveText(b, names.before)} to ${serveText(a, names.after)}`,
    ),
  targets: (b, a, path, names) => diffTargets(path, b, a, names),
  contextTargets: (b, a, path, names) => diffContextTargets(path, b, a, names),
  rules: (b, a, path, names) => diffFlagRules(path, b, a, names),
  prerequisites: (b, a, path) => diffPrerequisites(path, b, a),
  trackEvents: whole((_b, a) =>
    a ? 'now tracks events for every evaluation' : 'no longer tracks events for every evaluation',
  ),
  trackEventsFallthrough: whole((_b, a) =>
    a ? 'now tracks fallthrough events' : 'no longer tracks fallthrough events',
  ),
  // Bookkeeping, not content: the version moves on every write and the salt never changes by patch.
  salt: null,
  version: null,
};

const SEGMENT_FIELDS: FieldDiffs<SegmentConfig, undefined> = {
  key: changedFromTo('key'),
  name: changedFromTo('name'),
  description: whole(() => 'description changed'),
  tags: whole((b, a) => `tags: ${listChangeText(b, a)}`),
  included: whole((b, a) => `included users: ${listChangeText(b, a)}`),
  excluded: whole((b, a) => `excluded users: ${listChangeText(b, a)}`),
  includedContexts: (b, a, path) => diffSegmentContexts(path, 'included contexts', b, a),
  excludedContexts: (b, a, path) => diffSegmentContexts(path, 'excluded contexts', b, a),
  rules: (b, a, path) => diffSegmentRules(path, b, a),
  deleted: whole((_b, a) => (a ? 'deleted the segment' : 'restored the segment')),
  salt: null,
  version: null,
};

function diffFields<T extends object, C>(
  prefix: string,
  table: FieldDiffs<T, C>,
  before: T,
  after: T,
  ctx: C,
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const field of Object.keys(table) as (keyof T & string)[]) {
    const diff = table[field];
    if (diff !== null) changes.push(...diff(before[field], after[field], `${prefix}.${field}`, ctx));
  }
  return changes;
}

function diffVariations(path: string, before: Variation[], after: Variation[]): ConfigChange[] {
  const label = (v: Variation) => `${JSON.stringify(v.value)}${v.name === undefined ? '' : ` (${v.name})`}`;
  return diffById(before, after, {
    path,
    reordered: 'variations reordered',
    added: (v) => `added variation ${label(v)}`,
    removed: (v) => `removed variation ${label(v)}`,
    changed: (old, v, itemPath) =>
      (['value', 'name', 'description'] as const).flatMap((field) =>
        changeOf(
          `${itemPath}.${field}`,
          old[field],
          v[field],
          () => `variation ${v._id}: ${field} changed from ${valueText(old[field])} to ${valueText(v[field])}`,
        ),
      ),
  });
}

/** Changes of a flag's project-level part (`flag.*`), then of its config in one environment (`environment.*`). */
export function diffFlag(
  before: { flag: FlagDefinition; environment: FlagEnvironmentConfig },
  after: { flag: FlagDefinition; environment: FlagEnvironmentConfig },
): ConfigChange[] {
  const names: Namers = {
    before: variationNamer(before.flag.variations),
    after: variationNamer(after.flag.variations),
  };
  return [
    ...diffFields('flag', FLAG_FIELDS, before.flag, after.flag, names),
    ...diffFields('environment', ENVIRONMENT_FIELDS, before.environment, after.environment, names),
  ];
}

/** Changes of a segment, at `segment.*` paths. */
export function diffSegment(before: SegmentConfig, after: SegmentConfig): ConfigChange[] {
  return diffFields('segment', SEGMENT_FIELDS, before, after, undefined);
}
