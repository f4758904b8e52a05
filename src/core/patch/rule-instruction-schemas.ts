import { JsonSchema, ref } from './json-schema';
import {
  CLAUSES,
  CLAUSE_ID,
  InstructionSchema,
  JSON_VALUE_SCHEMA,
  RULE_ID,
  clearableText,
  list,
} from './instruction-schema-parts';
import type { RuleEditKind } from './rule-instructions';

const CLAUSE_VALUES: JsonSchema = list(JSON_VALUE_SCHEMA, 'clause values');

/** The rule and clause edits flags and segments share (rule-instructions.ts), described once. */
export const RULE_EDIT_SCHEMAS: Record<RuleEditKind, InstructionSchema> = {
  removeRule: {
    description: 'removes a rule',
    properties: { ruleId: RULE_ID },
    required: ['ruleId'],
  },
  reorderRules: {
    description: 'puts the rules in a new order',
    properties: { ruleIds: list(RULE_ID, 'every rule id exactly once, in the new order') },
    required: ['ruleIds'],
  },
  updateRuleDescription: {
    description: 'changes what a rule says it is for',
    properties: { ruleId: RULE_ID, description: clearableText('the new description ("" clears it)') },
    required: ['ruleId', 'description'],
  },
  addClauses: {
    description: 'adds clauses to a rule',
    properties: { ruleId: RULE_ID, clauses: CLAUSES },
    required: ['ruleId', 'clauses'],
  },
  removeClauses: {
    description: 'removes clauses from a rule (a rule keeps at least one)',
    properties: { ruleId: RULE_ID, clauseIds: list(CLAUSE_ID, 'the clauses to remove') },
    required: ['ruleId', 'clauseIds'],
  },
  updateClause: {
    description: 'replaces one clause of a rule (it keeps its id)',
    properties: { ruleId: RULE_ID, clauseId: CLAUSE_ID, clause: ref('ClauseInput') },
    required: ['ruleId', 'clauseId', 'clause'],
  },
  addValuesToClause: {
    description: 'adds values to a clause (those it has already are skipped)',
    properties: { ruleId: RULE_ID, clauseId: CLAUSE_ID, values: CLAUSE_VALUES },
    required: ['ruleId', 'clauseId', 'values'],
  },
  removeValuesFromClause: {
    description: 'removes values from a clause (those it does not have are ignored)',
    properties: { ruleId: RULE_ID, clauseId: CLAUSE_ID, values: CLAUSE_VALUES },
    required: ['ruleId', 'clauseId', 'values'],
  },
};
