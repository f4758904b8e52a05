import { SegmentRule } from '../model/flag-config';
import { attributeReferenceProblem } from './attribute-reference';
import { readClauses } from './clause-input';
import { Fields } from './instruction-fields';
import { MAX_ID_LENGTH, WEIGHT_TOTAL } from './limits';
import { RULE_EDIT_HANDLERS, RuleEditHandler, RuleEditKind } from './rule-instructions';
import { findRule, insertRule } from './rule-list';
import { SegmentHandler, SegmentWorkspace } from './segment-patch-types';

const newIdOf = (ws: SegmentWorkspace) => () => ws.ctx.newId();

/** A segment's segmentMatch clauses may name the other live segments of its environment. */
const clauseRulesOf = (ws: SegmentWorkspace) => ({
  selfSegmentKey: ws.segment.key,
  segmentExists: (key: string) => ws.ctx.segmentExists(key),
});

function onSegmentRules(handler: RuleEditHandler): SegmentHandler {
  return {
    action: handler.action,
    fields: handler.fields,
    apply: (f, ws) =>
      handler.apply(f, {
        rules: ws.segment.rules,
        newId: newIdOf(ws),
        clauseRules: clauseRulesOf(ws),
      }),
  };
}

const sharedRuleHandlers = Object.fromEntries(
  Object.entries(RULE_EDIT_HANDLERS).map(([kind, handler]) => [kind, onSegmentRules(handler)]),
) as Record<RuleEditKind, SegmentHandler>;

/** bucketBy and rolloutContextKind only mean something with a weight; bucketBy must be a valid reference. */
function checkRollout(f: Fields, rule: SegmentRule): void {
  for (const field of ['bucketBy', 'rolloutContextKind'] as const) {
    const inputField = field === 'bucketBy' ? 'rolloutBucketBy' : 'rolloutContextKind';
    if (rule.weight === undefined && rule[field] !== undefined) f.fail('is only allowed with a weight', inputField);
  }
  if (rule.bucketBy === undefined) return;
  const problem = attributeReferenceProblem(rule.bucketBy, rule.rolloutContextKind !== undefined);
  if (problem) f.fail(problem, 'rolloutBucketBy');
}

/** Sets (string), clears (null) or keeps (absent) one optional rollout setting. */
function updateSetting(
  f: Fields,
  rule: SegmentRule,
  field: 'bucketBy' | 'rolloutContextKind',
  value: string | undefined,
  inputField: string,
): void {
  if (value !== undefined) rule[field] = value;
  else if (f.isNull(inputField)) delete rule[field];
}

export const SEGMENT_RULE_HANDLERS = {
  ...sharedRuleHandlers,
  addRule: {
    action: 'updateRules',
    fields: ['clauses', 'weight', 'rolloutBucketBy', 'rolloutContextKind', 'description', 'ruleId', 'beforeRuleId'],
    apply(f, ws) {
      const ruleId = f.optString('ruleId', { max: MAX_ID_LENGTH });
      const beforeRuleId = f.optString('beforeRuleId', { max: MAX_ID_LENGTH });
      const description = f.optString('description', { allowEmpty: true });
      const rule: SegmentRule = { _id: ruleId ?? ws.ctx.newId(), clauses: [] };
      if (f.has('weight')) rule.weight = f.integer('weight', 0, WEIGHT_TOTAL);
      updateSetting(f, rule, 'bucketBy', f.optString('rolloutBucketBy'), 'rolloutBucketBy');
      updateSetting(f, rule, 'rolloutContextKind', f.optContextKind('rolloutContextKind'), 'rolloutContextKind');
      if (description) rule.description = description;
      checkRollout(f, rule);
      rule.clauses = readClauses(f, 'clauses', newIdOf(ws), clauseRulesOf(ws));
      insertRule(f, ws.segment.rules, rule, beforeRuleId);
    },
  },
  updateRuleRollout: {
    action: 'updateRules',
    fields: ['ruleId', 'weight', 'rolloutBucketBy', 'rolloutContextKind'],
    apply(f, ws) {
      const rule = findRule(f, ws.segment.rules);
      const bucketBy = f.optString('rolloutBucketBy');
      const contextKind = f.optContextKind('rolloutContextKind');
      const touched = ['weight', 'rolloutBucketBy', 'rolloutContextKind'].some((field) => f.isPresent(field));
      if (!touched) f.fail('at least one of weight, rolloutBucketBy or rolloutContextKind is required');
      if (f.isNull('weight')) {
        // No weight means every matching context is included: bucketing settings would be meaningless.
        if (bucketBy !== undefined) f.fail('is only allowed with a weight', 'rolloutBucketBy');
        if (contextKind !== undefined) f.fail('is only allowed with a weight', 'rolloutContextKind');
        delete rule.weight;
        delete rule.bucketBy;
        delete rule.rolloutContextKind;
        return;
      }
      if (f.has('weight')) rule.weight = f.integer('weight', 0, WEIGHT_TOTAL);
      updateSetting(f, rule, 'bucketBy', bucketBy, 'rolloutBucketBy');
      updateSetting(f, rule, 'rolloutContextKind', contextKind, 'rolloutContextKind');
      checkRollout(f, rule);
    },
  },
} satisfies Record<string, SegmentHandler>;
