/**
 * The JSON Schema of the config-as-code file, written once here: `validateConfig` checks files
 * against it (so the CLI and editors agree), and `openapi/gantry-config.schema.json` is this object
 * printed by `scripts/generate-config-schema.ts` (a unit test fails when the two drift).
 * Exported files start with `# yaml-language-server: $schema=…` pointing at it.
 */
import { CLAUSE_OPS } from '../model/flag-config';
import { CONTEXT_KIND_PATTERN, KEY_PATTERN, MAX_ID_LENGTH, TAG_PATTERN, WEIGHT_TOTAL } from '../patch/limits';
import { SERVICE_PATTERN } from '../deployments/deployment-signal';

// The write path's own limits, so the file is refused for exactly what a PATCH would refuse.
const KEY = { type: 'string', pattern: KEY_PATTERN.source } as const;
const TAG = { type: 'string', pattern: TAG_PATTERN.source } as const;
const CONTEXT_KIND = { type: 'string', pattern: CONTEXT_KIND_PATTERN.source } as const;
const ID = { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH } as const;
const WEIGHT = { type: 'integer', minimum: 0, maximum: WEIGHT_TOTAL } as const;
const STRINGS = { type: 'array', items: { type: 'string' } } as const;
/** A variation is named by its value: any JSON value but null. */
const VARIATION_REF = {
  description: "a variation's value",
  type: ['boolean', 'number', 'string', 'array', 'object'],
} as const;

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://gantry.dev/schemas/gantry-config.schema.json',
  title: 'Gantry config-as-code file',
  type: 'object',
  required: ['version', 'project', 'flags'],
  additionalProperties: false,
  properties: {
    version: { const: 1 },
    project: KEY,
    flags: { type: 'array', items: { $ref: '#/definitions/flag' } },
    segments: {
      description: 'segments by environment key',
      type: 'object',
      propertyNames: KEY,
      additionalProperties: { type: 'array', items: { $ref: '#/definitions/segment' } },
    },
  },
  definitions: {
    variation: {
      type: 'object',
      required: ['value'],
      additionalProperties: false,
      properties: {
        value: VARIATION_REF,
        name: { type: 'string', maxLength: 256 },
        description: { type: 'string', maxLength: 4096 },
      },
    },
    flag: {
      type: 'object',
      required: ['key', 'name', 'variations'],
      additionalProperties: false,
      properties: {
        key: KEY,
        name: { type: 'string', minLength: 1, maxLength: 256 },
        description: { type: 'string', maxLength: 4096 },
        tags: { type: 'array', items: TAG },
        temporary: { type: 'boolean' },
        maintainerId: { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' },
        plannedRemovalDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}' },
        services: { type: 'array', maxItems: 100, items: { type: 'string', pattern: SERVICE_PATTERN.source } },
        clientSideAvailability: {
          type: 'object',
          required: ['usingEnvironmentId', 'usingMobileKey'],
          additionalProperties: false,
          properties: { usingEnvironmentId: { type: 'boolean' }, usingMobileKey: { type: 'boolean' } },
        },
        variations: { type: 'array', minItems: 2, maxItems: 100, items: { $ref: '#/definitions/variation' } },
        environments: {
          type: 'object',
          propertyNames: KEY,
          additionalProperties: { $ref: '#/definitions/flagEnvironment' },
        },
      },
    },
    rollout: {
      type: 'object',
      required: ['variations'],
      additionalProperties: false,
      properties: {
        variations: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['variation', 'weight'],
            additionalProperties: false,
            properties: { variation: VARIATION_REF, weight: WEIGHT },
          },
        },
        bucketBy: { type: 'string', minLength: 1 },
        contextKind: CONTEXT_KIND,
      },
    },
    clause: {
      type: 'object',
      required: ['op', 'values'],
      additionalProperties: false,
      properties: {
        contextKind: CONTEXT_KIND,
        attribute: { type: 'string' },
        op: { enum: [...CLAUSE_OPS] },
        values: { type: 'array' },
        negate: { type: 'boolean' },
      },
    },
    rule: {
      type: 'object',
      required: ['id', 'clauses'],
      additionalProperties: false,
      properties: {
        id: ID,
        description: { type: 'string' },
        clauses: { type: 'array', minItems: 1, items: { $ref: '#/definitions/clause' } },
        variation: VARIATION_REF,
        rollout: { $ref: '#/definitions/rollout' },
        trackEvents: { type: 'boolean' },
      },
    },
    serve: {
      type: 'object',
      additionalProperties: false,
      properties: { variation: VARIATION_REF, rollout: { $ref: '#/definitions/rollout' } },
    },
    flagEnvironment: {
      type: 'object',
      required: ['on', 'offVariation', 'fallthrough'],
      additionalProperties: false,
      properties: {
        on: { type: 'boolean' },
        offVariation: { type: ['boolean', 'number', 'string', 'array', 'object', 'null'] },
        fallthrough: { $ref: '#/definitions/serve' },
        targets: {
          type: 'array',
          items: {
            type: 'object',
            required: ['variation', 'values'],
            additionalProperties: false,
            properties: { variation: VARIATION_REF, contextKind: CONTEXT_KIND, values: STRINGS },
          },
        },
        rules: { type: 'array', items: { $ref: '#/definitions/rule' } },
        prerequisites: {
          type: 'array',
          items: {
            type: 'object',
            required: ['flag', 'variation'],
            additionalProperties: false,
            properties: { flag: KEY, variation: VARIATION_REF },
          },
        },
        trackEvents: { type: 'boolean' },
        trackEventsFallthrough: { type: 'boolean' },
      },
    },
    segmentTarget: {
      type: 'object',
      required: ['contextKind', 'values'],
      additionalProperties: false,
      properties: { contextKind: CONTEXT_KIND, values: STRINGS },
    },
    segmentRule: {
      type: 'object',
      required: ['id', 'clauses'],
      additionalProperties: false,
      properties: {
        id: ID,
        description: { type: 'string' },
        clauses: { type: 'array', minItems: 1, items: { $ref: '#/definitions/clause' } },
        weight: WEIGHT,
        bucketBy: { type: 'string', minLength: 1 },
        rolloutContextKind: CONTEXT_KIND,
      },
    },
    segment: {
      type: 'object',
      required: ['key', 'name'],
      additionalProperties: false,
      properties: {
        key: KEY,
        name: { type: 'string', minLength: 1, maxLength: 256 },
        description: { type: 'string', maxLength: 4096 },
        tags: { type: 'array', items: TAG },
        included: STRINGS,
        excluded: STRINGS,
        includedContexts: { type: 'array', items: { $ref: '#/definitions/segmentTarget' } },
        excludedContexts: { type: 'array', items: { $ref: '#/definitions/segmentTarget' } },
        rules: { type: 'array', items: { $ref: '#/definitions/segmentRule' } },
      },
    },
  },
} as const;

/** Where the schema is published in the repository, relative to its root. */
export const CONFIG_SCHEMA_PATH = 'openapi/gantry-config.schema.json';
