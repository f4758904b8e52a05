import type { MutationEntry } from './mutation-registry-types';
import { P } from './mutation-registry-paths';

export const LIFECYCLE_ENTRIES: readonly MutationEntry[] = [
  // Issue 13 §5: flag lifecycle and code references
  {
    surface: 'rest',
    operation: `PUT ${P}/lifecycle-settings`,
    actions: ['updateProject'],
    resource: 'project lifecycle settings',
    gate: 'not-targeting',
    reason:
      'thresholds and the archival policy; the policy archives through the write path as automation, ' +
      'which never passes a gate (a gated environment gets a change request)',
  },
  {
    surface: 'rest',
    operation: `POST ${P}/code-references`,
    actions: ['reportCodeReferences'],
    resource: 'code references',
    gate: 'not-targeting',
    reason: 'records where flag keys appear in source code; nothing is served differently',
  },
  {
    surface: 'job',
    operation: 'lifecycle.sweep',
    actions: [],
    resource: 'flag (archived state), change request',
    gate: 'gated',
    reason:
      'archives stale flags through the write path as the automation actor (never past a gate); where ' +
      'archiving needs approval it opens a change request instead',
  },
];
