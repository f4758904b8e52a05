/**
 * A type test: `npm run typecheck` compiles it (tsconfig includes test/**), nothing runs it. The
 * typed client (openapi-fetch over openapi/schema.d.ts) must accept correct semantic-patch
 * instructions and refuse wrong ones at compile time; each `@ts-expect-error` line below is an
 * instruction that must NOT compile, and fails the typecheck if it ever does.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../../openapi/schema';

type Schemas = components['schemas'];
type FlagInstruction = Schemas['FlagInstruction'];
type SegmentInstruction = Schemas['SegmentInstruction'];

const api = createClient<paths>({ baseUrl: 'http://gantry.invalid' });
const flag = { path: { projectKey: 'shop', flagKey: 'checkout' } };

/** Correct instructions compile, through the client and as values of the union. */
export async function correctPatch() {
  return api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
    params: flag,
    body: {
      environmentKey: 'production',
      instructions: [
        {
          kind: 'addRule',
          description: 'staff and beta testers',
          clauses: [
            { attribute: 'email', op: 'endsWith', values: ['@example.com'] },
            { contextKind: 'org', attribute: '/address/city', op: 'in', values: ['Paris', 'Lyon'], negate: true },
            { op: 'segmentMatch', values: ['beta-testers'] },
          ],
          variationId: 'v-on',
        },
        {
          kind: 'updateFallthroughVariationOrRollout',
          rolloutWeights: { 'v-on': 10_000, 'v-off': 90_000 },
          rolloutBucketBy: 'orgId',
          rolloutContextKind: 'org',
        },
        { kind: 'updateOffVariation', variationId: null },
        { kind: 'turnFlagOn' },
      ],
    },
  });
}

export const goodInstructions: FlagInstruction[] = [
  { kind: 'updateOffVariation', variationId: 'v-off' },
  { kind: 'updateTrackEvents', trackEvents: true },
  { kind: 'addTargets', variationId: 'v-on', values: ['alice'] },
  { kind: 'updateClause', ruleId: 'r1', clauseId: 'c1', clause: { attribute: 'plan', op: 'in', values: ['pro'] } },
];
export const goodSegmentInstruction: SegmentInstruction = {
  kind: 'addRule',
  clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
  weight: 50_000,
};

/** Wrong instructions do not compile. */
export async function wrongPatch() {
  return api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
    params: flag,
    body: {
      instructions: [
        // @ts-expect-error misspelt field: the fallthrough takes variationId, not variation
        { kind: 'updateFallthroughVariationOrRollout', variation: 'v-on' },
      ],
    },
  });
}

export const wrongInstructions: FlagInstruction[] = [
  // @ts-expect-error misspelt field: variation instead of variationId
  { kind: 'updateOffVariation', variation: 'v-off' },
  // @ts-expect-error unknown kind
  { kind: 'turnFlagSideways' },
  // @ts-expect-error a flag instruction is not a segment one (weight is a segment rule's field)
  { kind: 'addRule', clauses: [{ attribute: 'email', op: 'in', values: ['a'] }], weight: 50_000 },
  {
    kind: 'addRule',
    // @ts-expect-error wrong clause operator
    clauses: [{ attribute: 'email', op: 'equals', values: ['a@example.com'] }],
    variationId: 'v-on',
  },
  // @ts-expect-error wrong type: trackEvents is a boolean
  { kind: 'updateTrackEvents', trackEvents: 'yes' },
  // @ts-expect-error wrong type: rollout weights are numbers
  { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { 'v-on': '100%' } },
  // @ts-expect-error missing required field: addTargets needs variationId
  { kind: 'addTargets', values: ['alice'] },
];

// @ts-expect-error a segment kind is not a flag kind
export const segmentKindOnFlag: FlagInstruction = { kind: 'addIncludedTargets', values: ['alice'] };
