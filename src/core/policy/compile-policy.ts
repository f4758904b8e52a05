/**
 * Compiles the statements a principal holds (built-in role, custom roles, a token's inline policy)
 * into one CASL ability, and answers `can` / `explain` from it.
 *
 * - One CASL rule per statement. Its CASL subject type is the resource path (`proj:env:flag`), so
 *   CASL's index only hands `can` the rules that could apply; the rule's condition runs the
 *   specifier matchers, compiled here once.
 * - Deny wins: CASL gives precedence to later rules, so every deny rule comes after every allow rule.
 *   Within each group the order is reversed so that, of several matching statements, the first one
 *   declared is the one `explain` reports.
 * - `notActions` expands to every catalogued action except those listed; `notResources` becomes a
 *   rule on any subject type whose condition is "matches none of these specifiers".
 * - No matching statement means denied.
 * - Entries naming actions missing from the catalogue are ignored (they can grant or deny nothing),
 *   so a stored role does not stop compiling if an action is renamed. An unparsable specifier
 *   throws instead: skipping a deny statement would widen access.
 */
import { Ability, type MatchConditions } from '@casl/ability';
import { DomainError } from '../errors';
import { ACTIONS, ACTION_NAMES, actionAppliesTo, expandActionPattern, isKnownAction } from './actions';
import { formatResource, resourcePath, type ResourceRef } from './resource-ref';
import { tryParseResourceSpecifier } from './resource-specifier';
import { compileSpecifier, type SpecifierMatcher } from './specifier-matcher';
import type { Effect, PolicyStatement } from './statement';

export interface PolicySource {
  /** Who contributed the statements, reported by `explain`: 'role:writer', 'customRole:qa', 'token-inline'. */
  source: string;
  statements: readonly PolicyStatement[];
}

export interface DecidingStatement {
  source: string;
  statementIndex: number;
  statement: PolicyStatement;
  effect: Effect;
}

export interface Decision {
  allowed: boolean;
  action: string;
  /** Canonical specifier of the resource, as in audit entries. */
  resource: string;
  decidedBy: DecidingStatement | null;
  /** A sentence for humans, e.g. 'denied: no statement allows updateOn on proj/p:env/e:flag/f'. */
  reason: string;
}

export interface Policy {
  can(action: string, resource: ResourceRef): boolean;
  explain(action: string, resource: ResourceRef): Decision;
}

interface ResourceSubject {
  readonly kind: string;
  readonly ref: ResourceRef;
}
interface ResourceCondition {
  readonly test: (ref: ResourceRef) => boolean;
}
type PolicyAbilities = [string, ResourceSubject | string];
interface PolicyRule {
  action: string[];
  subject: string | string[];
  conditions: ResourceCondition;
  inverted: boolean;
}

const ANY_SUBJECT = 'all';

export function compilePolicy(sources: readonly PolicySource[]): Policy {
  const allows: PolicyRule[] = [];
  const denies: PolicyRule[] = [];
  const origins = new Map<object, DecidingStatement>();
  for (const { source, statements } of sources) {
    statements.forEach((statement, statementIndex) => {
      const rule = toRule(statement, source, statementIndex);
      if (!rule) return;
      origins.set(rule, { source, statementIndex, statement, effect: statement.effect });
      (statement.effect === 'deny' ? denies : allows).push(rule);
    });
  }
  const ability = new Ability<PolicyAbilities, ResourceCondition>([...allows.reverse(), ...denies.reverse()], {
    conditionsMatcher: (condition) => ((subject: ResourceSubject) => condition.test(subject.ref)) as MatchConditions,
    detectSubjectType: (subject) => subject.kind,
  });
  const applies = (action: string, ref: ResourceRef) => actionAppliesTo(action, ref[ref.length - 1]?.type ?? '');
  const subjectOf = (ref: ResourceRef): ResourceSubject => ({ kind: resourcePath(ref), ref });

  return {
    can: (action, ref) => applies(action, ref) && ability.can(action, subjectOf(ref)),
    explain(action, ref) {
      const resource = formatResource(ref);
      const denied = (reason: string): Decision => ({ allowed: false, action, resource, decidedBy: null, reason });
      if (!isKnownAction(action)) return denied(`denied: unknown action '${action}'`);
      if (!applies(action, ref)) {
        const leaf = ref[ref.length - 1]?.type ?? 'empty';
        return denied(`denied: ${action} applies to ${ACTIONS[action].join(' or ')} resources, not ${leaf}`);
      }
      const rule = ability.relevantRuleFor(action, subjectOf(ref));
      const decidedBy = rule ? origins.get(rule.origin) : undefined;
      if (!rule || !decidedBy) return denied(`denied: no statement allows ${action} on ${resource}`);
      const allowed = !rule.inverted;
      const verdict = allowed ? 'allowed' : 'denied';
      const verb = allowed ? 'allows' : 'denies';
      const reason = `${verdict}: statement ${decidedBy.statementIndex} of ${decidedBy.source} ${verb} ${action} on ${resource}`;
      return { allowed, action, resource, decidedBy, reason };
    },
  };
}

function toRule(statement: PolicyStatement, source: string, index: number): PolicyRule | null {
  // Statements are validated when saved; these guards keep a malformed one from granting everything.
  if (statement.effect !== 'allow' && statement.effect !== 'deny') {
    throw malformed(source, index, 'effect', "effect must be 'allow' or 'deny'");
  }
  if (!statement.actions === !statement.notActions || !statement.resources === !statement.notResources) {
    throw malformed(source, index, 'actions', 'needs exactly one of actions/notActions and of resources/notResources');
  }
  const actions = statement.actions
    ? [...new Set(statement.actions.flatMap(expandActionPattern))]
    : allActionsExcept(statement.notActions ?? []);
  if (actions.length === 0) return null;

  const field = statement.resources ? 'resources' : 'notResources';
  const matchers = (statement.resources ?? statement.notResources ?? []).map((text, position) =>
    compileOrThrow(text, source, index, `${field}[${position}]`),
  );
  const anyMatches = (ref: ResourceRef) => matchers.some((matcher) => matcher.matches(ref));
  const inverted = statement.effect === 'deny';
  if (statement.resources) {
    const subject = [...new Set(matchers.map((matcher) => matcher.path))];
    return { action: actions, subject, conditions: { test: anyMatches }, inverted };
  }
  return { action: actions, subject: ANY_SUBJECT, conditions: { test: (ref) => !anyMatches(ref) }, inverted };
}

function allActionsExcept(patterns: readonly string[]): string[] {
  const excluded = new Set(patterns.flatMap(expandActionPattern));
  return ACTION_NAMES.filter((name) => !excluded.has(name));
}

// Policies are compiled per request, mostly from the same few roles: remember compiled specifiers
// (deterministic, so sharing is safe). Bounded so user-supplied specifiers cannot grow it forever.
const MATCHER_CACHE_LIMIT = 2000;
const matcherCache = new Map<string, SpecifierMatcher>();

function compileOrThrow(text: string, source: string, index: number, field: string): SpecifierMatcher {
  const cached = matcherCache.get(text);
  if (cached) return cached;
  const result = tryParseResourceSpecifier(text);
  if (!result.ok) throw malformed(source, index, field, result.reason);
  if (matcherCache.size >= MATCHER_CACHE_LIMIT) matcherCache.clear();
  const matcher = compileSpecifier(result.specifier);
  matcherCache.set(text, matcher);
  return matcher;
}

function malformed(source: string, index: number, field: string, reason: string): DomainError {
  return new DomainError('policy/invalid', `statement ${index} of ${source} is invalid: ${reason}`, [
    { index, field, reason },
  ]);
}
