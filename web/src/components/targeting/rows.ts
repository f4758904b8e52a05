/**
 * A flag's targeting in one environment as rows a person reads top to bottom (state, prerequisites,
 * individual targets, rules, default), each with a stable key so two states can be compared row by
 * row: same key and different text is a change, a key on one side only is an addition or removal.
 */
import type { FlagSide } from './targeting-view';
import { clauseText, formatValue, serveText, variationLabel } from './format';

export interface TargetingRow {
  /** Stable across versions: rules by id, targets by context kind and variation, the rest by role. */
  key: string;
  section: 'Status' | 'Variations' | 'Prerequisites' | 'Individual targets' | 'Rules' | 'Default rule';
  label: string;
  lines: string[];
}

export type RowChange = 'added' | 'removed' | 'changed' | undefined;

export function targetingRows({ flag, environment: env }: FlagSide): TargetingRow[] {
  const variations = flag.variations;
  const rows: TargetingRow[] = [
    { key: 'on', section: 'Status', label: 'Targeting', lines: [env.on ? 'On' : 'Off'] },
    {
      key: 'off',
      section: 'Status',
      label: 'When off',
      lines: [`serve ${variationLabel(variations, env.offVariation)}`],
    },
  ];
  flag.variations.forEach((v, i) =>
    rows.push({
      key: `variation:${v._id}`,
      section: 'Variations',
      label: v.name || `Variation ${i + 1}`,
      lines: [formatValue(v.value), ...(v.description ? [v.description] : [])],
    }),
  );
  for (const p of env.prerequisites)
    rows.push({
      key: `prerequisite:${p.key}`,
      section: 'Prerequisites',
      label: `Flag ${p.key}`,
      // The prerequisite's own variations are not in this flag's definition: its position, counted from 1.
      lines: [`must serve its variation #${p.variation + 1}`],
    });
  for (const t of [...env.targets, ...env.contextTargets]) {
    if (!t.values.length) continue;
    const kind = t.contextKind ?? 'user';
    rows.push({
      key: `target:${kind}:${variationLabel(variations, t.variation)}`,
      section: 'Individual targets',
      label: `${kind} → ${variationLabel(variations, t.variation)}`,
      lines: [t.values.join(', ')],
    });
  }
  env.rules.forEach((rule, i) => {
    rows.push({
      key: `rule:${rule._id}`,
      section: 'Rules',
      label: `Rule ${i + 1}${rule.description ? `: ${rule.description}` : ''}`,
      lines: [
        ...rule.clauses.map((c, j) => `${j === 0 ? 'if' : 'and'} ${clauseText(c)}`),
        serveText(variations, { variation: rule.variation, rollout: rule.rollout }),
      ],
    });
  });
  rows.push({
    key: 'fallthrough',
    section: 'Default rule',
    label: 'Everyone else',
    lines: [serveText(variations, env.fallthrough)],
  });
  return rows;
}

const text = (row: TargetingRow) => `${row.label}\n${row.lines.join('\n')}`;

/** How each row of one side differs from the other side (by key): for marking a comparison. */
export function rowChanges(
  mine: TargetingRow[],
  theirs: TargetingRow[] | null,
  missing: 'added' | 'removed',
): Map<string, RowChange> {
  const other = new Map((theirs ?? []).map((r) => [r.key, r]));
  return new Map(
    mine.map((row) => {
      const match = other.get(row.key);
      if (!theirs) return [row.key, undefined];
      if (!match) return [row.key, missing];
      return [row.key, text(match) === text(row) ? undefined : 'changed'];
    }),
  );
}

/** Rows grouped by section, in the order they were built. */
export function bySection(rows: TargetingRow[]): [TargetingRow['section'], TargetingRow[]][] {
  const groups = new Map<TargetingRow['section'], TargetingRow[]>();
  for (const row of rows) groups.set(row.section, [...(groups.get(row.section) ?? []), row]);
  return [...groups];
}
