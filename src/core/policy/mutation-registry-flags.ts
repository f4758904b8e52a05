import type { MutationEntry } from './mutation-registry-types';
import { ENV, FLAG, FLAG_ENV, P } from './mutation-registry-paths';
import { WHY } from './mutation-registry-reasons';

export const FLAG_ENTRIES: readonly MutationEntry[] = [
  // Flags and segments: the one write path
  {
    surface: 'rest',
    operation: `POST ${P}/flags`,
    actions: ['createFlag'],
    resource: 'flag',
    gate: 'not-targeting',
    reason: WHY.createFlag,
  },
  {
    surface: 'rest',
    operation: `PATCH ${FLAG}`,
    actions: ['bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'flag environment config',
    gate: 'gated',
  },
  {
    surface: 'rest',
    operation: `POST ${ENV}/segments`,
    actions: ['createSegment'],
    resource: 'segment',
    gate: 'not-targeting',
    reason: WHY.createSegment,
  },
  {
    surface: 'rest',
    operation: `PATCH ${ENV}/segments/{segmentKey}`,
    actions: ['bypassRequiredApproval'],
    instructions: 'segment',
    resource: 'segment',
    gate: 'gated',
  },
  {
    surface: 'rest',
    operation: `DELETE ${ENV}/segments/{segmentKey}`,
    actions: ['deleteSegment'],
    resource: 'segment',
    gate: 'governs-the-gate',
    reason: 'refused while a flag uses the segment',
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/evaluate`,
    actions: [],
    resource: 'evaluation',
    gate: 'not-targeting',
    reason: 'evaluation only, writes nothing',
  },
];
