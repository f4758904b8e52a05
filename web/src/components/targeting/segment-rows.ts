/**
 * A segment as rows, like a flag's targeting (rows.ts), so a segment change request's before and
 * after compare the same way: included and excluded keys per context kind, rules with clauses and
 * their percentage of matching contexts.
 */
import type { components } from '../../../../openapi/schema';
import { clauseText, percent } from './format';
import type { TargetingRow } from './rows';

export type Segment = components['schemas']['SegmentDto'];

const keysRows = (
  key: string,
  label: string,
  userKeys: readonly string[] = [],
  contexts: readonly { contextKind: string; values: string[] }[] = [],
): TargetingRow[] =>
  [{ contextKind: 'user', values: [...userKeys] }, ...contexts]
    .filter((t) => t.values.length)
    .map((t) => ({
      key: `${key}:${t.contextKind}`,
      section: 'Individual targets' as const,
      label: `${label} (${t.contextKind})`,
      lines: [t.values.join(', ')],
    }));

export function segmentRows(segment: Segment): TargetingRow[] {
  return [
    {
      key: 'segment',
      section: 'Status',
      label: segment.name || segment.key,
      lines: [segment.deleted ? 'Deleted' : segment.description || 'No description'],
    },
    ...keysRows('included', 'Included', segment.included, segment.includedContexts),
    ...keysRows('excluded', 'Excluded', segment.excluded, segment.excludedContexts),
    ...(segment.rules ?? []).map((rule, i) => ({
      key: `rule:${rule._id}`,
      section: 'Rules' as const,
      label: `Rule ${i + 1}${rule.description ? `: ${rule.description}` : ''}`,
      lines: [
        ...rule.clauses.map((c, j) => `${j === 0 ? 'if' : 'and'} ${clauseText(c)}`),
        rule.weight === undefined
          ? 'include every matching context'
          : `include ${percent(rule.weight)} of matching contexts, bucketed by ${rule.bucketBy || 'key'}`,
      ],
    })),
  ];
}
