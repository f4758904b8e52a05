/**
 * The segment instructions that turn a live segment into the file's. Keys are sets (add what is
 * missing, remove what is extra, per context kind); rules are matched by id: a rule the file
 * lacks is removed, a new one is added with the file's id, a kept one is edited in place (clauses
 * by position, rollout, description), and a final `reorderRules` fixes the order if needed.
 */
import type { Clause, SegmentConfig, SegmentRule } from '../model/flag-config';
import { deepEqual } from '../patch/json-value';
import type { ClauseSpec, SegmentRuleSpec, SegmentSpec } from './config-file';
import type { Instruction } from './diff-flag';

export function segmentInstructions(live: SegmentConfig, spec: SegmentSpec): Instruction[] {
  const out: Instruction[] = [];
  if (live.name !== spec.name) out.push({ kind: 'updateName', value: spec.name });
  if (live.description !== (spec.description ?? ''))
    out.push({ kind: 'updateDescription', value: spec.description ?? '' });
  const tags = [...new Set(spec.tags ?? [])].sort();
  const addTags = tags.filter((t) => !live.tags.includes(t));
  const removeTags = live.tags.filter((t) => !tags.includes(t));
  if (addTags.length) out.push({ kind: 'addTags', values: addTags });
  if (removeTags.length) out.push({ kind: 'removeTags', values: removeTags });
  for (const side of ['Included', 'Excluded'] as const) {
    const lower = side === 'Included' ? 'included' : 'excluded';
    const liveKeys = keysByKind(live[lower], live[`${lower}Contexts`]);
    const wantedKeys = keysByKind(spec[lower] ?? [], spec[`${lower}Contexts`] ?? []);
    for (const kind of [...new Set([...liveKeys.keys(), ...wantedKeys.keys()])].sort()) {
      const have = liveKeys.get(kind) ?? [];
      const want = wantedKeys.get(kind) ?? [];
      const context = kind === 'user' ? {} : { contextKind: kind };
      const add = want.filter((k) => !have.includes(k));
      const remove = have.filter((k) => !want.includes(k));
      if (add.length) out.push({ kind: `add${side}Targets`, values: add, ...context });
      if (remove.length) out.push({ kind: `remove${side}Targets`, values: remove, ...context });
    }
  }
  out.push(...ruleInstructions(live.rules, spec.rules ?? []));
  return out;
}

function keysByKind(user: string[], contexts: { contextKind: string; values: string[] }[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (user.length) map.set('user', [...new Set(user)]);
  for (const t of contexts) map.set(t.contextKind, [...new Set([...(map.get(t.contextKind) ?? []), ...t.values])]);
  return map;
}

const clauseInput = (c: ClauseSpec | Clause) => ({
  ...(c.contextKind !== undefined ? { contextKind: c.contextKind } : {}),
  attribute: c.attribute ?? '',
  op: c.op,
  values: c.values,
  negate: c.negate ?? false,
});

const rollout = (r: SegmentRule | SegmentRuleSpec) => ({
  weight: r.weight ?? null,
  rolloutBucketBy: r.bucketBy ?? null,
  rolloutContextKind: r.rolloutContextKind ?? null,
});

function ruleInstructions(live: SegmentRule[], wanted: SegmentRuleSpec[]): Instruction[] {
  const out: Instruction[] = [];
  for (const rule of live)
    if (!wanted.some((w) => w.id === rule._id)) out.push({ kind: 'removeRule', ruleId: rule._id });
  const order = live.filter((r) => wanted.some((w) => w.id === r._id)).map((r) => r._id);
  for (const w of wanted) {
    const rule = live.find((r) => r._id === w.id);
    if (!rule) {
      out.push({
        kind: 'addRule',
        ruleId: w.id,
        clauses: w.clauses.map(clauseInput),
        ...(w.weight !== undefined ? { weight: w.weight } : {}),
        ...(w.bucketBy !== undefined ? { rolloutBucketBy: w.bucketBy } : {}),
        ...(w.rolloutContextKind !== undefined ? { rolloutContextKind: w.rolloutContextKind } : {}),
        ...(w.description ? { description: w.description } : {}),
      });
      order.push(w.id);
      continue;
    }
    out.push(...clauseEdits(rule, w.clauses));
    const before = rollout(rule);
    const after = rollout(w);
    if (!deepEqual(before, after)) {
      // null clears a setting; a rule without a weight cannot keep bucketing settings.
      out.push(
        after.weight === null
          ? { kind: 'updateRuleRollout', ruleId: w.id, weight: null }
          : { kind: 'updateRuleRollout', ruleId: w.id, ...after },
      );
    }
    if ((rule.description ?? '') !== (w.description ?? ''))
      out.push({ kind: 'updateRuleDescription', ruleId: w.id, description: w.description ?? '' });
  }
  const target = wanted.map((w) => w.id);
  if (!deepEqual(order, target)) out.push({ kind: 'reorderRules', ruleIds: target });
  return out;
}

/** Clauses by position: changed ones updated in place, extra ones added, then missing ones removed (a rule keeps one throughout). */
function clauseEdits(rule: SegmentRule, wanted: ClauseSpec[]): Instruction[] {
  const out: Instruction[] = [];
  const shared = Math.min(rule.clauses.length, wanted.length);
  for (let i = 0; i < shared; i++) {
    if (!deepEqual(clauseInput(rule.clauses[i]), clauseInput(wanted[i])))
      out.push({
        kind: 'updateClause',
        ruleId: rule._id,
        clauseId: rule.clauses[i]._id,
        clause: clauseInput(wanted[i]),
      });
  }
  if (wanted.length > shared)
    out.push({ kind: 'addClauses', ruleId: rule._id, clauses: wanted.slice(shared).map(clauseInput) });
  if (rule.clauses.length > shared)
    out.push({ kind: 'removeClauses', ruleId: rule._id, clauseIds: rule.clauses.slice(shared).map((c) => c._id) });
  return out;
}
