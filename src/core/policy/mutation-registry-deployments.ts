import type { MutationEntry } from './mutation-registry-types';
import { P } from './mutation-registry-paths';

export const DEPLOYMENT_ENTRIES: readonly MutationEntry[] = [
  // Issue 13: deploy signals from CI
  {
    surface: 'rest',
    operation: `POST ${P}/deployments`,
    actions: ['recordDeployments'],
    resource: 'deployment',
    gate: 'not-targeting',
    reason:
      'records a deployment; release phases it starts were approved with their plan, and each step is a gated write',
  },
];
