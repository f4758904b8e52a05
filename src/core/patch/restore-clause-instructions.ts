import type { Clause } from '../model/flag-config';
import { deepEqual } from './json-value';
import { MAX_CLAUSES_PER_RULE } from './limits';
import type { RestoreInstruction } from './restore-types';
import { splitForAppend } from './split-for-append';

// Restore: the clauses of a rule kept in place, matched by id, else by content.

export const clauseInput = (c: Clause) => ({
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
export function clauseChanges(
  ruleId: string,
  current: Clause[],
  versionClauses: Clause[],
): RestoreInstruction[] | null {
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
