import type { MutationEntry } from './mutation-registry-types';
import { ENV, FLAG_ENV, P } from './mutation-registry-paths';
import { WHY } from './mutation-registry-reasons';

export const GOVERNANCE_ENTRIES: readonly MutationEntry[] = [
  // Issue 10: governance change requests, version restore, freezes, guardrail policies
  {
    surface: 'rest',
    operation: `POST ${ENV}/change-requests`,
    actions: ['createChangeRequest', 'updateEnvironment', 'deleteEnvironment'],
    resource: 'environment settings (change request)',
    gate: 'not-targeting',
    reason: WHY.proposeChange,
  },
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/versions/{version}/restore`,
    actions: ['createChangeRequest', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'flag environment config',
    gate: 'gated',
    reason:
      'applies the computed instructions through the write path, or opens a change request where approval is required',
  },
  {
    surface: 'graphql',
    operation: 'restoreFlagVersion',
    actions: ['createChangeRequest', 'bypassRequiredApproval'],
    instructions: 'flag',
    resource: 'flag environment config',
    gate: 'gated',
  },
  ...(['rest', 'graphql'] as const).flatMap((surface) => [
    {
      surface,
      operation: surface === 'rest' ? `POST ${P}/freezes` : 'createFreeze',
      actions: ['manageFreezes', 'bypassRequiredApproval'] as const,
      resource: 'freeze window',
      gate: 'governs-the-gate' as const,
      reason: 'a freeze refuses targeting changes; on a gated environment creating one needs break-glass',
    },
    {
      surface,
      operation: surface === 'rest' ? `DELETE ${P}/freezes/{id}` : 'deleteFreeze',
      actions: ['manageFreezes', 'bypassRequiredApproval'] as const,
      resource: 'freeze window',
      gate: 'governs-the-gate' as const,
      reason: 'removing a freeze lifts protection; on a gated environment it needs break-glass',
    },
    {
      surface,
      operation: surface === 'rest' ? `PUT ${P}/guardrail-policies/{key}` : 'putGuardrailPolicy',
      actions: ['manageGuardrails', 'bypassRequiredApproval'] as const,
      resource: 'guardrail policy',
      gate: 'governs-the-gate' as const,
      reason: 'guardrails block content on every write; on a gated environment changing them needs break-glass',
    },
    {
      surface,
      operation: surface === 'rest' ? `DELETE ${P}/guardrail-policies/{key}` : 'deleteGuardrailPolicy',
      actions: ['manageGuardrails', 'bypassRequiredApproval'] as const,
      resource: 'guardrail policy',
      gate: 'governs-the-gate' as const,
      reason: 'removing a guardrail lifts protection; on a gated environment it needs break-glass',
    },
  ]),
];
