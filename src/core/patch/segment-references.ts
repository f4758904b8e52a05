import type { Clause } from '../model/flag-config';

/** The segment keys that the segmentMatch clauses of these rules name, each once, sorted. */
export function segmentReferences(rules: readonly { clauses: readonly Clause[] }[]): string[] {
  const keys = new Set<string>();
  for (const rule of rules)
    for (const clause of rule.clauses)
      if (clause.op === 'segmentMatch') for (const v of clause.values) if (typeof v === 'string') keys.add(v);
  return [...keys].sort();
}

/** Keys `after` names that `before` did not: what a write newly makes depend on a segment. */
export function newSegmentReferences(
  before: readonly { clauses: readonly Clause[] }[],
  after: readonly { clauses: readonly Clause[] }[],
): string[] {
  const old = new Set(segmentReferences(before));
  return segmentReferences(after).filter((key) => !old.has(key));
}
