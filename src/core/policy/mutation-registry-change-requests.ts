import type { MutationEntry } from './mutation-registry-types';
import { CR, ENV, FLAG_ENV } from './mutation-registry-paths';
import { WHY } from './mutation-registry-reasons';

export const CHANGE_REQUEST_ENTRIES: readonly MutationEntry[] = [
  // Change requests
  {
    surface: 'rest',
    operation: `POST ${FLAG_ENV}/change-requests`,
    actions: ['createChangeRequest'],
    instructions: 'flag',
    resource: 'change request',
    gate: 'not-targeting',
    reason: WHY.proposeChange,
  },
  {
    surface: 'rest',
    operation: `POST ${ENV}/segments/{segmentKey}/change-requests`,
    actions: ['createChangeRequest'],
    instructions: 'segment',
    resource: 'change request',
    gate: 'not-targeting',
    reason: WHY.proposeChange,
  },
  {
    surface: 'rest',
    operation: `PATCH ${CR}`,
    actions: ['bypassRequiredApproval'],
    instructions: 'flag or segment',
    resource: 'change request',
    gate: 'not-targeting',
    reason: 'edits a request (requester, or bypassRequiredApproval); new content resets its reviews',
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/reviews`,
    actions: ['reviewChangeRequest'],
    resource: 'change request',
    gate: 'gated',
    reason: 'the approving review applies the request when the environment has autoApplyOnApproval',
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/apply`,
    actions: ['applyChangeRequest', 'bypassRequiredApproval'],
    resource: 'flag environment config or segment',
    gate: 'gated',
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/rebase`,
    actions: ['bypassRequiredApproval'],
    instructions: 'flag or segment',
    resource: 'change request',
    gate: 'not-targeting',
    reason: 'moves a request onto the current version; its reviews are reset',
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/cancel`,
    actions: ['bypassRequiredApproval'],
    resource: 'change request',
    gate: 'not-targeting',
    reason: WHY.cancelChangeRequest,
  },
  {
    surface: 'rest',
    operation: `POST ${CR}/impact`,
    actions: [],
    resource: 'change request',
    gate: 'not-targeting',
    reason: 'computes the impact over supplied contexts, writes nothing',
  },
];
