import { SegmentConfig, SegmentTarget } from '../model/flag-config';
import { Fields } from './instruction-fields';
import { USER_KIND } from './limits';
import { SegmentHandler } from './segment-patch-types';

type Side = 'included' | 'excluded';

const TARGET_FIELDS = ['values', 'contextKind'] as const;

/** User keys live in `included`/`excluded`, other kinds in `includedContexts`/`excludedContexts` (protocols.md §1.2). */
function contextsOf(segment: SegmentConfig, side: Side): SegmentTarget[] {
  return side === 'included' ? segment.includedContexts : segment.excludedContexts;
}

function keysFor(segment: SegmentConfig, side: Side, kind: string, create: boolean): string[] | undefined {
  if (kind === USER_KIND) return segment[side];
  const contexts = contextsOf(segment, side);
  const existing = contexts.find((target) => target.contextKind === kind);
  if (existing || !create) return existing?.values;
  const created: SegmentTarget = { contextKind: kind, values: [] };
  contexts.push(created);
  return created.values;
}

function readTargetInput(f: Fields): { kind: string; values: string[] } {
  return { values: [...new Set(f.stringList('values'))], kind: f.optContextKind('contextKind') ?? USER_KIND };
}

function addKeys(side: Side): SegmentHandler['apply'] {
  return (f, { segment }) => {
    const { kind, values } = readTargetInput(f);
    if (values.length === 0) return;
    const keys = keysFor(segment, side, kind, true) as string[];
    keys.push(...values.filter((key) => !keys.includes(key)));
  };
}

/** Keys that are not listed are ignored; emptied context entries are dropped. */
function removeKeys(side: Side): SegmentHandler['apply'] {
  return (f, { segment }) => {
    const { kind, values } = readTargetInput(f);
    const keys = keysFor(segment, side, kind, false);
    if (!keys) return;
    const kept = keys.filter((key) => !values.includes(key));
    keys.splice(0, keys.length, ...kept);
    if (side === 'included') segment.includedContexts = segment.includedContexts.filter((t) => t.values.length > 0);
    else segment.excludedContexts = segment.excludedContexts.filter((t) => t.values.length > 0);
  };
}

export const SEGMENT_TARGET_HANDLERS = {
  addIncludedTargets: { action: 'updateIncluded', fields: TARGET_FIELDS, apply: addKeys('included') },
  removeIncludedTargets: { action: 'updateIncluded', fields: TARGET_FIELDS, apply: removeKeys('included') },
  addExcludedTargets: { action: 'updateExcluded', fields: TARGET_FIELDS, apply: addKeys('excluded') },
  removeExcludedTargets: { action: 'updateExcluded', fields: TARGET_FIELDS, apply: removeKeys('excluded') },
} satisfies Record<string, SegmentHandler>;
