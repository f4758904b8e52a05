import { DomainError, type FieldError } from '../errors';
import { KEY_PATTERN, MAX_NAME_LENGTH, TAG_PATTERN, WEIGHT_TOTAL } from '../patch/limits';
import { compileKeyPattern } from './key-pattern';

/**
 * Guardrail policies: declarative content rules the one write path checks on every change (and
 * change requests when they are opened). A policy is data only: no user code, and its one pattern
 * kind is a glob matched in linear time (key-pattern.ts).
 */

export const GUARDRAIL_EFFECTS = ['block', 'warn'] as const;
export type GuardrailEffect = (typeof GUARDRAIL_EFFECTS)[number];

export type GuardrailRule =
  | { kind: 'flagKeyPattern'; effect: GuardrailEffect; pattern: string }
  | { kind: 'requiredTags'; effect: GuardrailEffect; tags: string[] }
  | { kind: 'requireMaintainer'; effect: GuardrailEffect }
  | { kind: 'temporaryNeedsRemovalDate'; effect: GuardrailEffect }
  | { kind: 'maxRolloutIncrease'; effect: GuardrailEffect; thousandths: number }
  | { kind: 'maxClauseValues'; effect: GuardrailEffect; max: number }
  | { kind: 'forbidIndividualTargets'; effect: GuardrailEffect };

export type GuardrailRuleKind = GuardrailRule['kind'];

export interface GuardrailPolicy {
  key: string;
  name: string;
  description: string;
  /** The environments whose changes the environment rules check; null: every environment of the project. */
  environmentKeys: string[] | null;
  rules: GuardrailRule[];
}

export const MAX_RULES_PER_POLICY = 50;
export const MAX_SCOPED_ENVIRONMENTS = 100;
export const MAX_REQUIRED_TAGS = 64;
export const MAX_CLAUSE_VALUES_LIMIT = 1_000_000;

type Raw = Record<string, unknown>;

/** Each rule kind's own fields, read from untrusted input; the table is typed over every kind. */
const RULE_FIELDS: {
  [K in GuardrailRuleKind]: (
    raw: Raw,
    err: (field: string, reason: string) => void,
  ) => Omit<Extract<GuardrailRule, { kind: K }>, 'kind' | 'effect'> | null;
} = {
  flagKeyPattern: (raw, err) => {
    if (typeof raw.pattern !== 'string') return (err('pattern', 'must be a string'), null);
    const compiled = compileKeyPattern(raw.pattern);
    if ('error' in compiled) return (err('pattern', compiled.error), null);
    return { pattern: raw.pattern };
  },
  requiredTags: (raw, err) => {
    const tags = raw.tags;
    if (!Array.isArray(tags) || tags.length === 0 || tags.length > MAX_REQUIRED_TAGS)
      return (err('tags', `must be a list of 1 to ${MAX_REQUIRED_TAGS} tags`), null);
    const bad = tags.findIndex((t) => typeof t !== 'string' || !TAG_PATTERN.test(t));
    if (bad >= 0) return (err(`tags[${bad}]`, `must match ${TAG_PATTERN.source}`), null);
    return { tags: [...new Set(tags as string[])].sort() };
  },
  requireMaintainer: () => ({}),
  temporaryNeedsRemovalDate: () => ({}),
  maxRolloutIncrease: (raw, err) => {
    const n = raw.thousandths;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > WEIGHT_TOTAL)
      return (err('thousandths', `must be an integer from 0 to ${WEIGHT_TOTAL}`), null);
    return { thousandths: n };
  },
  maxClauseValues: (raw, err) => {
    const n = raw.max;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_CLAUSE_VALUES_LIMIT)
      return (err('max', `must be an integer from 1 to ${MAX_CLAUSE_VALUES_LIMIT}`), null);
    return { max: n };
  },
  forbidIndividualTargets: () => ({}),
};

const RULE_EXTRA_FIELDS: Record<GuardrailRuleKind, readonly string[]> = {
  flagKeyPattern: ['pattern'],
  requiredTags: ['tags'],
  requireMaintainer: [],
  temporaryNeedsRemovalDate: [],
  maxRolloutIncrease: ['thousandths'],
  maxClauseValues: ['max'],
  forbidIndividualTargets: [],
};

export const GUARDRAIL_RULE_KINDS = Object.keys(RULE_FIELDS) as GuardrailRuleKind[];

const isRuleKind = (kind: unknown): kind is GuardrailRuleKind =>
  typeof kind === 'string' && Object.hasOwn(RULE_FIELDS, kind);

const isPlainObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface GuardrailPolicyInput {
  name?: unknown;
  description?: unknown;
  environmentKeys?: unknown;
  rules?: unknown;
}

/**
 * Validates a policy from untrusted input (REST body or GraphQL input) and normalises it. Every
 * problem is reported at once, with its path (`rules[2].thousandths`), as 400 `guardrail/invalid`.
 * Whether the environments exist is the service's check (it knows the project).
 */
export function parseGuardrailPolicy(key: string, input: GuardrailPolicyInput): GuardrailPolicy {
  const errors: FieldError[] = [];
  const err = (field: string, reason: string, index?: number) =>
    errors.push({ ...(index !== undefined ? { index } : {}), field, reason });
  if (!KEY_PATTERN.test(key)) err('key', `must match ${KEY_PATTERN.source}`);
  const name = input.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH)
    err('name', `must be a non-blank string of at most ${MAX_NAME_LENGTH} characters`);
  const description = input.description ?? '';
  if (typeof description !== 'string' || description.length > 8192)
    err('description', 'must be a string of at most 8192 characters');
  let environmentKeys: string[] | null = null;
  if (input.environmentKeys !== undefined && input.environmentKeys !== null) {
    const keys = input.environmentKeys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_SCOPED_ENVIRONMENTS)
      err('environmentKeys', `must be a list of 1 to ${MAX_SCOPED_ENVIRONMENTS} environment keys (omit it for all)`);
    else {
      const bad = keys.findIndex((k) => typeof k !== 'string' || !KEY_PATTERN.test(k));
      if (bad >= 0) err(`environmentKeys[${bad}]`, `must match ${KEY_PATTERN.source}`);
      else environmentKeys = [...new Set(keys as string[])].sort();
    }
  }
  const rules: GuardrailRule[] = [];
  const rawRules = input.rules;
  if (!Array.isArray(rawRules) || rawRules.length === 0 || rawRules.length > MAX_RULES_PER_POLICY)
    err('rules', `must be a list of 1 to ${MAX_RULES_PER_POLICY} rules`);
  else
    rawRules.forEach((raw: unknown, i) => {
      const at = (field: string) => `rules[${i}]${field ? `.${field}` : ''}`;
      if (!isPlainObject(raw)) return err(at(''), 'must be an object', i);
      if (!isRuleKind(raw.kind)) return err(at('kind'), `must be one of ${GUARDRAIL_RULE_KINDS.join(', ')}`, i);
      const kind = raw.kind;
      if (!(GUARDRAIL_EFFECTS as readonly unknown[]).includes(raw.effect))
        err(at('effect'), "must be 'block' or 'warn'", i);
      const allowed = ['kind', 'effect', ...RULE_EXTRA_FIELDS[kind]];
      for (const field of Object.keys(raw))
        if (!allowed.includes(field)) err(at(field), `unknown field for a ${kind} rule`, i);
      const fields = RULE_FIELDS[kind](raw, (field, reason) => err(at(field), reason, i));
      if (fields) rules.push({ kind, effect: raw.effect as GuardrailEffect, ...fields } as GuardrailRule);
    });
  if (errors.length)
    throw new DomainError('guardrail/invalid', errors.map((e) => `${e.field}: ${e.reason}`).join('; '), errors);
  return { key, name: name as string, description: description as string, environmentKeys, rules };
}

/** Whether a policy's environment rules cover an environment. */
export const coversEnvironment = (policy: Pick<GuardrailPolicy, 'environmentKeys'>, envKey: string) =>
  policy.environmentKeys === null || policy.environmentKeys.includes(envKey);
