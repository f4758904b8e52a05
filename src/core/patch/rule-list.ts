import { Clause } from '../model/flag-config';
import { Fields } from './instruction-fields';
import { MAX_ID_LENGTH, MAX_RULES } from './limits';

/** What flag rules and segment rules have in common, so both share one set of rule/clause edits. */
export interface RuleLike {
  _id: string;
  clauses: Clause[];
  description?: string;
}

export function readRuleId(f: Fields, field = 'ruleId'): string {
  return f.string(field, { max: MAX_ID_LENGTH });
}

export function findRule<R extends RuleLike>(f: Fields, rules: R[], field = 'ruleId'): R {
  const ruleId = readRuleId(f, field);
  const rule = rules.find((candidate) => candidate._id === ruleId);
  if (!rule) f.fail(`rule '${ruleId}' does not exist`, field);
  return rule;
}

export function findClause(f: Fields, rule: RuleLike, field = 'clauseId'): Clause {
  const clauseId = f.string(field, { max: MAX_ID_LENGTH });
  const clause = rule.clauses.find((candidate) => candidate._id === clauseId);
  if (!clause) f.fail(`clause '${clauseId}' does not exist in rule '${rule._id}'`, field);
  return clause;
}

/** Adds a rule at the end, or before `beforeRuleId`; ids must stay unique since instructions address rules by id. */
export function insertRule<R extends RuleLike>(f: Fields, rules: R[], rule: R, beforeRuleId: string | undefined): void {
  if (rules.length >= MAX_RULES) f.fail(`at most ${MAX_RULES} rules are allowed`);
  if (rules.some((existing) => existing._id === rule._id)) f.fail(`rule id '${rule._id}' already exists`, 'ruleId');
  if (beforeRuleId === undefined) {
    rules.push(rule);
    return;
  }
  const position = rules.findIndex((existing) => existing._id === beforeRuleId);
  if (position < 0) f.fail(`rule '${beforeRuleId}' does not exist`, 'beforeRuleId');
  rules.splice(position, 0, rule);
}
