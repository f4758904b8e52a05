import type { Clause, Rule, SegmentRule, VariationOrRollout } from '../model/flag-config';
import type { ConfigChange } from './config-change';
import { changeOf, listChangeText, percentText, valueText } from './diff-format';
import { diffById } from './id-list-diff';
import { clauseText, serveText, VariationNamer } from './serve-text';

/** Variation names on each side: a rule's index may name another variation after a variation edit. */
export interface Namers {
  before: VariationNamer;
  after: VariationNamer;
}

interface RuleLike {
  _id: string;
  clauses: Clause[];
  description?: string;
}

/** `rule "staff"` when the rule has a description, else `rule r1`. */
const ruleName = (rule: RuleLike) => (rule.description ? `rule "${rule.description}"` : `rule ${rule._id}`);
const conditions = (rule: RuleLike) => rule.clauses.map(clauseText).join(' and ');

export function diffFlagRules(path: string, before: Rule[], after: Rule[], names: Namers): ConfigChange[] {
  return diffById(before, after, {
    path,
    reordered: 'rules reordered',
    added: (rule) => `added ${ruleName(rule)}: if ${conditions(rule)} then ${serveText(rule, names.after)}`,
    removed: (rule) => `removed ${ruleName(rule)}`,
    changed: (old, rule, rulePath) => [
      ...diffClauses(rulePath, ruleName(rule), old.clauses, rule.clauses),
      // variation and rollout are one choice (exactly one is set), so they are reported together.
      ...changeOf(
        `${rulePath}.variationOrRollout`,
        serveOf(old),
        serveOf(rule),
        () => `${ruleName(rule)} changed from ${serveText(old, names.before)} to ${serveText(rule, names.after)}`,
      ),
      ...descriptionChange(rulePath, old, rule),
      ...changeOf(
        `${rulePath}.trackEvents`,
        old.trackEvents,
        rule.trackEvents,
        () => `${ruleName(rule)} ${rule.trackEvents ? 'now tracks' : 'no longer tracks'} events`,
      ),
    ],
  });
}

export function diffSegmentRules(path: string, before: SegmentRule[], after: SegmentRule[]): ConfigChange[] {
  return diffById(before, after, {
    path,
    reordered: 'rules reordered',
    added: (rule) => `added ${ruleName(rule)}: includes ${share(rule.weight)} contexts where ${conditions(rule)}`,
    removed: (rule) => `removed ${ruleName(rule)}`,
    changed: (old, rule, rulePath) => [
      ...diffClauses(rulePath, ruleName(rule), old.clauses, rule.clauses),
      ...changeOf(
        `${rulePath}.weight`,
        old.weight,
        rule.weight,
        () =>
          `${ruleName(rule)} now includes ${share(rule.weight)} matching contexts ` +
          `(was ${old.weight === undefined ? 'all' : percentText(old.weight)})`,
      ),
      ...changeOf(
        `${rulePath}.bucketBy`,
        old.bucketBy,
        rule.bucketBy,
        () => `${ruleName(rule)}: bucketBy changed from ${valueText(old.bucketBy)} to ${valueText(rule.bucketBy)}`,
      ),
      ...changeOf(
        `${rulePath}.rolloutContextKind`,
        old.rolloutContextKind,
        rule.rolloutContextKind,
        () =>
          `${ruleName(rule)}: rollout context kind changed from ${valueText(old.rolloutContextKind)} ` +
          `to ${valueText(rule.rolloutContextKind)}`,
      ),
      ...descriptionChange(rulePath, old, rule),
    ],
  });
}

/** Segment rule weight: absent means every matching context. */
const share = (weight: number | undefined) => (weight === undefined ? 'all' : `${percentText(weight)} of`);

/** The rule's serving choice alone, without the unset side. */
function serveOf({ variation, rollout }: Rule): VariationOrRollout {
  return { ...(variation !== undefined && { variation }), ...(rollout !== undefined && { rollout }) };
}

/** Named by id: the description is what changes. */
function descriptionChange(rulePath: string, old: RuleLike, rule: RuleLike): ConfigChange[] {
  return changeOf(
    `${rulePath}.description`,
    old.description,
    rule.description,
    () => `rule ${rule._id}: description changed from ${valueText(old.description)} to ${valueText(rule.description)}`,
  );
}

const CLAUSE_FIELDS = ['contextKind', 'attribute', 'op', 'negate'] as const;

function diffClauses(rulePath: string, rule: string, before: Clause[], after: Clause[]): ConfigChange[] {
  return diffById(before, after, {
    path: `${rulePath}.clauses`,
    reordered: `${rule}: clauses reordered`,
    added: (clause) => `${rule}: added clause ${clauseText(clause)}`,
    removed: (clause) => `${rule}: removed clause ${clauseText(clause)}`,
    changed: (old, clause, clausePath) => [
      ...CLAUSE_FIELDS.flatMap((field) =>
        changeOf(
          `${clausePath}.${field}`,
          old[field],
          clause[field],
          () =>
            `${rule}, clause ${clause._id}: ${field} changed from ${valueText(old[field])} to ${valueText(clause[field])}`,
        ),
      ),
      ...changeOf(
        `${clausePath}.values`,
        old.values,
        clause.values,
        () => `${rule}, clause ${clause._id} values: ${listChangeText(old.values, clause.values)}`,
      ),
    ],
  });
}
