import { CLAUSE_OPS } from '../model/flag-config';
import { JsonSchema, ref } from './json-schema';
import {
  CONTEXT_KIND_PATTERN,
  KEY_PATTERN,
  MAX_CLAUSES_PER_RULE,
  MAX_DESCRIPTION_LENGTH,
  MAX_ID_LENGTH,
  MAX_NAME_LENGTH,
  MAX_STRING_LENGTH,
  MAX_VALUES_PER_INSTRUCTION,
  MAX_VARIATION_VALUE_CHARS,
  TAG_PATTERN,
  WEIGHT_TOTAL,
} from './limits';

/**
 * The pieces instruction schemas share: field schemas (ids, keys, context kinds...), the nested
 * objects instructions carry (clauses, targets, rollout weights) as named components, and the field
 * groups several kinds take alike (how a rule serves, where a rule goes). Limits come from limits.ts,
 * so a schema says exactly what the handlers accept.
 */

/** An instruction as the schemas describe it: what it does, its fields, which of them are required. */
export interface InstructionSchema {
  /** One line: what the instruction does. */
  description: string;
  properties: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
}

export const withDescription = (schema: JsonSchema, description: string): JsonSchema => ({ ...schema, description });

/** A non-empty string of at most `max` characters (what Fields.string accepts by default). */
export const text = (description: string, max = MAX_STRING_LENGTH): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  description,
});

/** A string that may be empty: an empty one clears the text. */
export const clearableText = (description: string, max = MAX_STRING_LENGTH): JsonSchema => ({
  type: 'string',
  maxLength: max,
  description,
});

export const id = (description: string): JsonSchema => text(description, MAX_ID_LENGTH);

export const list = (items: JsonSchema, description: string, max = MAX_VALUES_PER_INSTRUCTION): JsonSchema => ({
  type: 'array',
  items,
  maxItems: max,
  description,
});

export const BOOLEAN = (description: string): JsonSchema => ({ type: 'boolean', description });

/** Any JSON value but null (the same schema as the API's JSON_VALUE). */
export const JSON_VALUE_SCHEMA = {
  anyOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: {} },
    { type: 'object', additionalProperties: true },
  ],
} as const satisfies JsonSchema;

export const CONTEXT_KIND: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_STRING_LENGTH,
  pattern: CONTEXT_KIND_PATTERN.source,
  description: 'context kind, default `user` (not `kind` or `multi`)',
};

/** An attribute name, or with a context kind a reference such as `/address/city` (`~1` for `/`, `~0` for `~`). */
export const ATTRIBUTE = text('attribute name, or with contextKind an attribute reference such as /address/city');

export const VARIATION_ID = id('a variation of the flag, by its `_id`');
export const RULE_ID = id('a rule, by its `_id`');
export const CLAUSE_ID = id('a clause of the rule, by its `_id`');

export const TAGS = list(
  { type: 'string', maxLength: 64, pattern: TAG_PATTERN.source },
  'tags ([A-Za-z0-9][A-Za-z0-9._-]{0,63})',
);

export const FLAG_KEY: JsonSchema = {
  type: 'string',
  maxLength: 128,
  pattern: KEY_PATTERN.source,
  description: 'another flag of the project, by key',
};

export const NAME = text('the new name (not blank)', MAX_NAME_LENGTH);
export const DESCRIPTION = clearableText('the new description ("" clears it)', MAX_DESCRIPTION_LENGTH);

export const VARIATION_VALUE = withDescription(
  JSON_VALUE_SCHEMA,
  `the value served: any JSON but null, of the type the other variations have, distinct from theirs, ` +
    `at most ${MAX_VARIATION_VALUE_CHARS} characters as JSON`,
);

/** The weight a segment rule includes, like a rollout weight. */
export const WEIGHT: JsonSchema = {
  type: 'integer',
  minimum: 0,
  maximum: WEIGHT_TOTAL,
  description: `share of matching contexts included, in thousandths of a percent (${WEIGHT_TOTAL} = all)`,
};

const ATTRIBUTE_OPS = CLAUSE_OPS.filter((op) => op !== 'segmentMatch');

const CLAUSE_COMMON = {
  contextKind: CONTEXT_KIND,
  negate: BOOLEAN('invert the match (default false)'),
} as const satisfies Record<string, JsonSchema>;

/** Nested objects the instructions carry, by component name. */
export const SHARED_COMPONENTS = {
  AttributeClauseInput: {
    type: 'object',
    title: 'AttributeClauseInput',
    description:
      "a condition on a context attribute: it matches when the attribute's value relates to one of values by op",
    properties: {
      contextKind: CLAUSE_COMMON.contextKind,
      attribute: ATTRIBUTE,
      op: { type: 'string', enum: ATTRIBUTE_OPS, description: 'how the attribute is compared with values' },
      values: list(JSON_VALUE_SCHEMA, 'values to compare with; the clause matches if any one matches'),
      negate: CLAUSE_COMMON.negate,
    },
    required: ['attribute', 'op', 'values'],
    additionalProperties: false,
  },
  SegmentMatchClauseInput: {
    type: 'object',
    title: 'SegmentMatchClauseInput',
    description: 'a condition on segment membership: it matches when the context is in one of the segments',
    properties: {
      contextKind: CLAUSE_COMMON.contextKind,
      attribute: {
        type: 'string',
        maxLength: MAX_STRING_LENGTH,
        description: 'ignored for segmentMatch ("" or absent)',
      },
      op: { type: 'string', enum: ['segmentMatch'] },
      values: list(
        { type: 'string', maxLength: 128, pattern: KEY_PATTERN.source },
        'keys of live segments of the environment (a segment cannot name itself)',
      ),
      negate: CLAUSE_COMMON.negate,
    },
    required: ['op', 'values'],
    additionalProperties: false,
  },
  ClauseInput: {
    title: 'ClauseInput',
    description: `a clause of a rule: every clause of a rule must match (at most ${MAX_CLAUSES_PER_RULE} per rule)`,
    oneOf: [ref('AttributeClauseInput'), ref('SegmentMatchClauseInput')],
  },
  RolloutWeights: {
    type: 'object',
    title: 'RolloutWeights',
    description: `a percentage rollout: variation id → weight in thousandths of a percent; the weights add up to ${WEIGHT_TOTAL}`,
    additionalProperties: { type: 'integer', minimum: 0, maximum: WEIGHT_TOTAL },
    minProperties: 1,
  },
  TargetInput: {
    type: 'object',
    title: 'TargetInput',
    description: 'context keys of one kind served one variation',
    properties: {
      variationId: VARIATION_ID,
      values: list(text('a context key'), 'context keys'),
      contextKind: CONTEXT_KIND,
    },
    required: ['variationId', 'values'],
    additionalProperties: false,
  },
} as const satisfies Record<string, JsonSchema>;

export type SharedComponentName = keyof typeof SHARED_COMPONENTS;

export const CLAUSES = {
  type: 'array',
  items: ref('ClauseInput'),
  minItems: 1,
  maxItems: MAX_CLAUSES_PER_RULE,
  description: `the conditions, all of which must match (1 to ${MAX_CLAUSES_PER_RULE})`,
} as const satisfies JsonSchema;

/**
 * What a flag rule or the fallthrough serves: exactly one of variationId or rolloutWeights; the
 * bucketing settings only with rolloutWeights (kept from the current rollout when omitted).
 */
export const SERVE_PROPERTIES = {
  variationId: withDescription(VARIATION_ID, 'serve this variation (exactly one of variationId or rolloutWeights)'),
  rolloutWeights: ref('RolloutWeights'),
  rolloutBucketBy: text('with rolloutWeights: the attribute contexts are bucketed by (default key)'),
  rolloutContextKind: withDescription(CONTEXT_KIND, 'with rolloutWeights: the context kind bucketed (default user)'),
} as const satisfies Record<string, JsonSchema>;

/** Where a new rule goes and what it is called (flag and segment addRule). */
export const NEW_RULE_PROPERTIES = {
  description: clearableText('what the rule is for'),
  ruleId: id("the new rule's `_id` (default: a fresh one); must not be taken"),
  beforeRuleId: id('insert before this rule (default: last)'),
} as const satisfies Record<string, JsonSchema>;
