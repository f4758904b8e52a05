import { ClauseRules, CLAUSE_INPUT_FIELDS, checkClauseValues, readClause, readClauses } from './clause-input';
import { Fields } from './instruction-fields';
import { deepEqual } from './json-value';
import { MAX_CLAUSES_PER_RULE, MAX_ID_LENGTH, MAX_STRING_LENGTH } from './limits';
import { RuleLike, findClause, findRule } from './rule-list';

/** The rules being edited, whether a flag environment's or a segment's. */
export interface RuleEditTarget {
  rules: RuleLike[];
  newId: () => string;
  clauseRules: ClauseRules;
}

export interface RuleEditHandler {
  action: 'updateRules';
  fields: readonly string[];
  apply(f: Fields, target: RuleEditTarget): void;
}

/**
 * Rule and clause edits that flags and segments share, written once. Each registry wraps these
 * with a way to reach its rules.
 */
export const RULE_EDIT_HANDLERS = {
  removeRule: {
    action: 'updateRules',
    fields: ['ruleId'],
    apply(f, { rules }) {
      const rule = findRule(f, rules);
      rules.splice(rules.indexOf(rule), 1);
    },
  },
  reorderRules: {
    action: 'updateRules',
    fields: ['ruleIds'],
    apply(f, { rules }) {
      const ids = f.stringList('ruleIds', { max: MAX_ID_LENGTH });
      const byId = new Map(rules.map((rule) => [rule._id, rule]));
      const isPermutation =
        ids.length === rules.length && new Set(ids).size === ids.length && ids.every((id) => byId.has(id));
      if (!isPermutation) f.fail('must list every existing rule id exactly once', 'ruleIds');
      rules.splice(0, rules.length, ...ids.map((id) => byId.get(id) as RuleLike));
    },
  },
  updateRuleDescription: {
    action: 'updateRules',
    fields: ['ruleId', 'description'],
    apply(f, { rules }) {
      const rule = findRule(f, rules);
      const description = f.string('description', { allowEmpty: true, max: MAX_STRING_LENGTH });
      // An empty description clears it, so the stored rule matches one that never had one.
      if (description === '') delete rule.description;
      else rule.description = description;
    },
  },
  addClauses: {
    action: 'updateRules',
    fields: ['ruleId', 'clauses'],
    apply(f, { rules, newId, clauseRules }) {
      const rule = findRule(f, rules);
      const clauses = readClauses(f, 'clauses', newId, clauseRules);
      if (rule.clauses.length + clauses.length > MAX_CLAUSES_PER_RULE) {
        f.fail(`a rule has at most ${MAX_CLAUSES_PER_RULE} clauses`, 'clauses');
      }
      rule.clauses.push(...clauses);
    },
  },
  removeClauses: {
    action: 'updateRules',
    fields: ['ruleId', 'clauseIds'],
    apply(f, { rules }) {
      const rule = findRule(f, rules);
      const ids = f.stringList('clauseIds', { max: MAX_ID_LENGTH });
      ids.forEach((id, i) => {
        if (!rule.clauses.some((clause) => clause._id === id)) {
          f.fail(`clause '${id}' does not exist in rule '${rule._id}'`, `clauseIds[${i}]`);
        }
      });
      const remaining = rule.clauses.filter((clause) => !ids.includes(clause._id));
      // A rule without clauses never matches in the Node SDK: it would be dead weight.
      if (remaining.length === 0) f.fail('a rule must keep at least one clause', 'clauseIds');
      rule.clauses = remaining;
    },
  },
  updateClause: {
    action: 'updateRules',
    fields: ['ruleId', 'clauseId', 'clause'],
    apply(f, { rules, clauseRules }) {
      const rule = findRule(f, rules);
      const clause = findClause(f, rule);
      const updated = readClause(f.object('clause', CLAUSE_INPUT_FIELDS), clause._id, clauseRules);
      rule.clauses[rule.clauses.indexOf(clause)] = updated;
    },
  },
  addValuesToClause: {
    action: 'updateRules',
    fields: ['ruleId', 'clauseId', 'values'],
    apply(f, { rules, clauseRules }) {
      const clause = findClause(f, findRule(f, rules));
      const values = f.jsonList('values');
      checkClauseValues(f, clause.op, values, 'values', clauseRules);
      for (const value of values) {
        if (!clause.values.some((existing) => deepEqual(existing, value))) clause.values.push(value);
      }
    },
  },
  removeValuesFromClause: {
    action: 'updateRules',
    fields: ['ruleId', 'clauseId', 'values'],
    apply(f, { rules }) {
      const clause = findClause(f, findRule(f, rules));
      const values = f.jsonList('values');
      // Removing a value that is not there is a no-op, like LaunchDarkly: the end state is what was asked.
      clause.values = clause.values.filter((existing) => !values.some((value) => deepEqual(existing, value)));
    },
  },
} satisfies Record<string, RuleEditHandler>;

export type RuleEditKind = keyof typeof RULE_EDIT_HANDLERS;
