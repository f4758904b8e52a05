import type { FlagInstructionKind } from './flag-instructions';
import { ref } from './json-schema';
import {
  BOOLEAN,
  CLAUSES,
  CONTEXT_KIND,
  DESCRIPTION,
  FLAG_KEY,
  InstructionSchema,
  NAME,
  NEW_RULE_PROPERTIES,
  RULE_ID,
  SERVE_PROPERTIES,
  TAGS,
  VARIATION_ID,
  VARIATION_VALUE,
  clearableText,
  list,
  text,
  withDescription,
} from './instruction-schema-parts';
import { SERVICE_PATTERN } from '../deployments/deployment-signal';
import { MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, MAX_SERVICES } from './limits';
import { DATE_PATTERN, UUID_PATTERN } from './metadata-fields';
import { RULE_EDIT_SCHEMAS } from './rule-instruction-schemas';

const TRACK_EVENTS = BOOLEAN('whether SDKs send a full feature event for every evaluation concerned');
const CONTEXT_KEYS = list(text('a context key'), 'context keys');
const PREREQUISITE_VARIATION = withDescription(
  VARIATION_ID,
  'the variation the prerequisite flag must serve, by its `_id` (a variation of that flag)',
);

/**
 * Every flag instruction kind (flag-instructions.ts) described: a Record over the handlers' kinds,
 * so a kind added to the handlers without a schema does not compile; instruction-schemas.spec.ts
 * checks that each schema's fields are exactly the handler's.
 */
export const FLAG_INSTRUCTION_SCHEMAS: Record<FlagInstructionKind, InstructionSchema> = {
  // Project-level: the flag in every environment.
  addTags: { description: 'adds tags to the flag', properties: { values: TAGS }, required: ['values'] },
  removeTags: { description: 'removes tags from the flag', properties: { values: TAGS }, required: ['values'] },
  setServices: {
    description:
      'replaces the services whose deploys concern the flag (deploy signals; a tag `service.<name>` links too); [] clears them',
    properties: {
      values: list(
        { type: 'string', maxLength: 64, pattern: SERVICE_PATTERN.source },
        'service names ([A-Za-z0-9][A-Za-z0-9._-]{0,63})',
        MAX_SERVICES,
      ),
    },
    required: ['values'],
  },
  updateName: { description: 'renames the flag', properties: { value: NAME }, required: ['value'] },
  updateDescription: {
    description: "changes the flag's description",
    properties: { value: DESCRIPTION },
    required: ['value'],
  },
  makeFlagTemporary: { description: 'marks the flag temporary (meant to be removed)', properties: {} },
  makeFlagPermanent: { description: 'marks the flag permanent', properties: {} },
  updateMaintainer: {
    description: 'sets or clears the member responsible for the flag',
    properties: {
      value: {
        type: 'string',
        format: 'uuid',
        pattern: UUID_PATTERN.source,
        nullable: true,
        description: 'a member id, or null for none',
      },
    },
    required: ['value'],
  },
  updatePlannedRemovalDate: {
    description: 'sets or clears the date a temporary flag is planned to be removed by',
    properties: {
      value: {
        type: 'string',
        maxLength: 40,
        pattern: DATE_PATTERN.source,
        nullable: true,
        description: 'an ISO-8601 date (2027-03-31) or date-time, or null for none',
      },
    },
    required: ['value'],
  },
  archiveFlag: {
    description: 'archives the flag: read-only until restored (refused while other flags depend on it)',
    properties: {},
  },
  restoreFlag: {
    description: 'restores an archived flag (refused while its rules name deleted segments)',
    properties: {},
  },
  addVariation: {
    description: 'adds a variation (not to a boolean flag)',
    properties: {
      value: VARIATION_VALUE,
      name: clearableText('display name', MAX_NAME_LENGTH),
      description: clearableText('what the variation means', MAX_DESCRIPTION_LENGTH),
    },
    required: ['value'],
  },
  updateVariation: {
    description: "changes a variation's value, name or description (at least one)",
    properties: {
      variationId: VARIATION_ID,
      value: VARIATION_VALUE,
      name: clearableText('display name ("" clears it)', MAX_NAME_LENGTH),
      description: clearableText('what the variation means ("" clears it)', MAX_DESCRIPTION_LENGTH),
    },
    required: ['variationId'],
  },
  removeVariation: {
    description: 'removes a variation nothing serves (not from a boolean flag; at least two remain)',
    properties: { variationId: VARIATION_ID },
    required: ['variationId'],
  },

  // Environment-level: the environment given by environmentKey.
  turnFlagOn: { description: 'turns targeting on', properties: {} },
  turnFlagOff: { description: 'turns targeting off: the off variation is served', properties: {} },
  updateFallthroughVariationOrRollout: {
    description: 'sets what is served when targeting is on and no target or rule matches',
    properties: SERVE_PROPERTIES,
  },
  updateOffVariation: {
    description: 'sets what is served when targeting is off',
    properties: {
      variationId: {
        ...VARIATION_ID,
        nullable: true,
        description: "a variation by its `_id`, or null: no off variation (SDKs serve the caller's default)",
      },
    },
    required: ['variationId'],
  },
  updateTrackEvents: {
    description: 'whether every evaluation sends a full feature event',
    properties: { trackEvents: TRACK_EVENTS },
    required: ['trackEvents'],
  },
  updateTrackEventsFallthrough: {
    description: 'whether evaluations served by the fallthrough send a full feature event',
    properties: { trackEvents: TRACK_EVENTS },
    required: ['trackEvents'],
  },
  ...RULE_EDIT_SCHEMAS,
  addRule: {
    description: 'adds a targeting rule: contexts matching every clause are served its variation or rollout',
    properties: { clauses: CLAUSES, ...SERVE_PROPERTIES, ...NEW_RULE_PROPERTIES },
    required: ['clauses'],
  },
  updateRuleTrackEvents: {
    description: 'whether evaluations served by this rule send a full feature event',
    properties: { ruleId: RULE_ID, trackEvents: TRACK_EVENTS },
    required: ['ruleId', 'trackEvents'],
  },
  updateRuleVariationOrRollout: {
    description: 'changes what a rule serves',
    properties: { ruleId: RULE_ID, ...SERVE_PROPERTIES },
    required: ['ruleId'],
  },
  addTargets: {
    description: 'serves a variation to these context keys (a key is targeted by one variation per kind)',
    properties: { variationId: VARIATION_ID, values: CONTEXT_KEYS, contextKind: CONTEXT_KIND },
    required: ['variationId', 'values'],
  },
  removeTargets: {
    description: 'stops targeting these context keys with the variation (keys it does not target are ignored)',
    properties: { variationId: VARIATION_ID, values: CONTEXT_KEYS, contextKind: CONTEXT_KIND },
    required: ['variationId', 'values'],
  },
  replaceTargets: {
    description: 'replaces all individual targets of the environment',
    properties: { targets: list(ref('TargetInput'), 'the targets, per variation and context kind') },
    required: ['targets'],
  },
  clearTargets: { description: 'removes all individual targets of the environment', properties: {} },
  addPrerequisite: {
    description: 'makes the flag serve its off variation unless another flag serves the given variation',
    properties: { key: FLAG_KEY, variationId: PREREQUISITE_VARIATION },
    required: ['key', 'variationId'],
  },
  updatePrerequisite: {
    description: 'changes the variation a prerequisite flag must serve',
    properties: { key: FLAG_KEY, variationId: PREREQUISITE_VARIATION },
    required: ['key', 'variationId'],
  },
  removePrerequisite: {
    description: 'removes a prerequisite',
    properties: { key: FLAG_KEY },
    required: ['key'],
  },
};
