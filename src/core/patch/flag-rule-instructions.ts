import { Rule } from '../model/flag-config';
import { readClauses } from './clause-input';
import { EnvironmentHandler, EnvironmentWorkspace } from './flag-patch-types';
import { MAX_ID_LENGTH } from './limits';
import { requiredBoolean } from './flag-serving-instructions';
import { SERVE_FIELDS, readVariationOrRollout } from './rollout-input';
import { RULE_EDIT_HANDLERS, RuleEditHandler, RuleEditKind } from './rule-instructions';
import { findRule, insertRule } from './rule-list';

const newIdOf = (ws: EnvironmentWorkspace) => () => ws.ctx.newId();

/** A flag's segmentMatch clauses may name the segments of the environment being patched. */
const clauseRulesOf = (ws: EnvironmentWorkspace) => ({
  segmentExists: (key: string) => ws.ctx.segmentExists(ws.envKey, key),
});

/** Lets a shared rule edit work on the rules of the environment being patched. */
function onEnvironmentRules(handler: RuleEditHandler): EnvironmentHandler {
  return {
    action: handler.action,
    fields: handler.fields,
    apply: (f, ws) => handler.apply(f, { rules: ws.env.rules, newId: newIdOf(ws), clauseRules: clauseRulesOf(ws) }),
  };
}

const sharedRuleHandlers = Object.fromEntries(
  Object.entries(RULE_EDIT_HANDLERS).map(([kind, handler]) => [kind, onEnvironmentRules(handler)]),
) as Record<RuleEditKind, EnvironmentHandler>;

export const FLAG_RULE_HANDLERS = {
  ...sharedRuleHandlers,
  addRule: {
    action: 'updateRules',
    fields: ['clauses', ...SERVE_FIELDS, 'description', 'ruleId', 'beforeRuleId'],
    apply(f, ws) {
      const ruleId = f.optString('ruleId', { max: MAX_ID_LENGTH });
      const beforeRuleId = f.optString('beforeRuleId', { max: MAX_ID_LENGTH });
      const description = f.optString('description', { allowEmpty: true });
      const serve = readVariationOrRollout(f, ws.flag.variations);
      const id = ruleId ?? ws.ctx.newId();
      const clauses = readClauses(f, 'clauses', newIdOf(ws), clauseRulesOf(ws));
      const rule: Rule = { _id: id, clauses, ...serve, trackEvents: false };
      if (description) rule.description = description;
      insertRule(f, ws.env.rules, rule, beforeRuleId);
    },
  },
  updateRuleTrackEvents: {
    action: 'updateTrackEvents',
    fields: ['ruleId', 'trackEvents'],
    apply(f, ws) {
      findRule(f, ws.env.rules).trackEvents = requiredBoolean(f, 'trackEvents');
    },
  },
  updateRuleVariationOrRollout: {
    action: 'updateRules',
    fields: ['ruleId', ...SERVE_FIELDS],
    apply(f, ws) {
      const rule = findRule(f, ws.env.rules);
      const serve = readVariationOrRollout(f, ws.flag.variations, rule);
      // Exactly one of variation/rollout may be set, so drop the other one.
      delete rule.variation;
      delete rule.rollout;
      Object.assign(rule, serve);
    },
  },
} satisfies Record<string, EnvironmentHandler>;
