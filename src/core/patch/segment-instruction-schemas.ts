import {
  CLAUSES,
  CONTEXT_KIND,
  DESCRIPTION,
  InstructionSchema,
  NAME,
  NEW_RULE_PROPERTIES,
  RULE_ID,
  TAGS,
  WEIGHT,
  list,
  text,
  withDescription,
} from './instruction-schema-parts';
import { RULE_EDIT_SCHEMAS } from './rule-instruction-schemas';
import type { SegmentInstructionKind } from './segment-instructions';

const TARGETS = {
  properties: { values: list(text('a context key'), 'context keys'), contextKind: CONTEXT_KIND },
  required: ['values'],
} as const;

const BUCKET_BY = text('with weight: the attribute contexts are bucketed by (default key)');
const ROLLOUT_CONTEXT_KIND = withDescription(CONTEXT_KIND, 'with weight: the context kind bucketed (default user)');

/** Every segment instruction kind (segment-instructions.ts) described; see FLAG_INSTRUCTION_SCHEMAS. */
export const SEGMENT_INSTRUCTION_SCHEMAS: Record<SegmentInstructionKind, InstructionSchema> = {
  addIncludedTargets: { description: 'includes these context keys in the segment', ...TARGETS },
  removeIncludedTargets: { description: 'stops including these context keys (others are ignored)', ...TARGETS },
  addExcludedTargets: {
    description: 'excludes these context keys from the segment, whatever its rules say',
    ...TARGETS,
  },
  removeExcludedTargets: { description: 'stops excluding these context keys (others are ignored)', ...TARGETS },
  ...RULE_EDIT_SCHEMAS,
  addRule: {
    description: 'adds a rule: contexts matching every clause are in the segment (or a weighted share of them)',
    properties: {
      clauses: CLAUSES,
      weight: WEIGHT,
      rolloutBucketBy: BUCKET_BY,
      rolloutContextKind: ROLLOUT_CONTEXT_KIND,
      ...NEW_RULE_PROPERTIES,
    },
    required: ['clauses'],
  },
  updateRuleRollout: {
    description: "changes the share of a rule's matching contexts that is included (at least one field)",
    properties: {
      ruleId: RULE_ID,
      weight: { ...WEIGHT, nullable: true, description: `${WEIGHT.description ?? ''}; null: every matching context` },
      rolloutBucketBy: { ...BUCKET_BY, nullable: true, description: `${BUCKET_BY.description ?? ''}; null clears it` },
      rolloutContextKind: {
        ...ROLLOUT_CONTEXT_KIND,
        nullable: true,
        description: `${ROLLOUT_CONTEXT_KIND.description ?? ''}; null clears it`,
      },
    },
    required: ['ruleId'],
  },
  updateName: { description: 'renames the segment', properties: { value: NAME }, required: ['value'] },
  updateDescription: {
    description: "changes the segment's description",
    properties: { value: DESCRIPTION },
    required: ['value'],
  },
  addTags: { description: 'adds tags to the segment', properties: { values: TAGS }, required: ['values'] },
  removeTags: { description: 'removes tags from the segment', properties: { values: TAGS }, required: ['values'] },
};
