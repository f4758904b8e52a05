import { BOOLEAN, InstructionSchema, list } from '../patch/instruction-schema-parts';
import { ref, type JsonSchema } from '../patch/json-schema';
import { APPROVAL_CONDITIONS, MIN_APPROVALS_MAX, type ApprovalSettings } from './approval-settings';
import type { ENVIRONMENT_INSTRUCTION_KINDS } from './environment-governance';

const NAMES = list({ type: 'string', maxLength: 128 }, 'a list of strings (at most 128 characters each)', 100);

/** What updateApprovalSettings may set (environment-governance.ts SETTINGS_TYPES); the rest is kept. */
export const APPROVAL_SETTINGS_PATCH_SCHEMA = {
  type: 'object',
  title: 'ApprovalSettingsPatch',
  description: "approval settings to change; those left out keep the environment's current value",
  properties: {
    required: BOOLEAN('whether changes here need an approved change request'),
    minApprovals: {
      type: 'integer',
      minimum: 1,
      maximum: MIN_APPROVALS_MAX,
      description: `distinct approvals needed (1 to ${MIN_APPROVALS_MAX})`,
    },
    canReviewOwnRequest: BOOLEAN('whether a requester may approve their own request'),
    canApplyDeclinedChanges: BOOLEAN('whether a declined request may still be applied'),
    requiredApprovalTags: {
      ...NAMES,
      description: 'when not empty, only flags or segments with one of these tags need approval',
    },
    reviewerTeams: { ...NAMES, description: 'when not empty, only members of these teams (keys) may review' },
    autoApplyOnApproval: BOOLEAN('apply a request as soon as it has its approvals'),
    serviceTokensCanReview: BOOLEAN('whether service tokens may review'),
    conditions: {
      type: 'array',
      items: { type: 'string', enum: APPROVAL_CONDITIONS },
      maxItems: 100,
      description: 'what kind of change needs approval; any condition that matches is enough',
    },
    rolloutIncreaseThreshold: {
      type: 'integer',
      minimum: 0,
      description: "for rolloutIncrease: a rise of a variation's share by more than this many thousandths of a percent",
    },
  } satisfies Record<keyof ApprovalSettings, JsonSchema>,
  additionalProperties: false,
} as const satisfies JsonSchema;

/** The instructions of an `environment` change request (environment-governance.ts), described. */
export const ENVIRONMENT_INSTRUCTION_SCHEMAS: Record<
  (typeof ENVIRONMENT_INSTRUCTION_KINDS)[number],
  InstructionSchema
> = {
  updateEnvironment: {
    description: "changes the environment's name, colour, criticality or tags (at least one)",
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 256, description: 'the new name (not blank)' },
      color: { type: 'string', pattern: '^[0-9A-Fa-f]{6}$', description: 'six hex digits' },
      critical: BOOLEAN('whether the environment is critical (lowering it where approval is required is gated)'),
      tags: { ...NAMES, description: 'the new tags (replace the current ones)' },
    },
  },
  updateApprovalSettings: {
    description: "changes the environment's own approval settings (starting from those in force)",
    properties: { settings: ref('ApprovalSettingsPatch') },
    required: ['settings'],
  },
  removeApprovalSettings: {
    description: "removes the environment's own approval settings: the project's defaults apply",
    properties: {},
  },
  deleteEnvironment: { description: 'deletes the environment (a project keeps at least one)', properties: {} },
};
