import type { Rule } from '../model/flag-config';
import { deepEqual } from './json-value';
import { clauseChanges, clauseInput } from './restore-clause-instructions';
import { serveChange, serveFields, targetServe } from './restore-serve-instructions';
import type { RestoreInstruction } from './restore-types';
import type { VariationIds } from './restore-variation-ids';

// Restore: rules, edited in place (same id) where their clauses allow, else re-added under their id; reordered last.

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

export function ruleChanges(current: Rule[], target: Rule[], ids: VariationIds): RestoreInstruction[] {
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
