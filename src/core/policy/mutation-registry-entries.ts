import { ACCOUNT_ENTRIES } from './mutation-registry-accounts';
import { CHANGE_REQUEST_ENTRIES } from './mutation-registry-change-requests';
import { DEPLOYMENT_ENTRIES } from './mutation-registry-deployments';
import { FLAG_ENTRIES } from './mutation-registry-flags';
import { GOVERNANCE_ENTRIES } from './mutation-registry-governance';
import { GRAPHQL_ENTRIES } from './mutation-registry-graphql';
import { JOB_ENTRIES } from './mutation-registry-jobs';
import { LIFECYCLE_ENTRIES } from './mutation-registry-lifecycle';
import { PROJECT_ENTRIES } from './mutation-registry-projects';
import { RELEASE_ENTRIES } from './mutation-registry-releases';
import { SDK_AND_RELAY_ENTRIES } from './mutation-registry-sdk-and-relay';
import { WEBHOOK_ENTRIES } from './mutation-registry-webhooks';
import type { MutationEntry } from './mutation-registry-types';

/**
 * Every entry of the mutation registry, one file per domain or surface, in the order of the README's
 * table (scripts/generate-mutation-docs.ts writes its rows in this order).
 */
export const MUTATION_REGISTRY: readonly MutationEntry[] = [
  ...PROJECT_ENTRIES,
  ...FLAG_ENTRIES,
  ...CHANGE_REQUEST_ENTRIES,
  ...RELEASE_ENTRIES,
  ...WEBHOOK_ENTRIES,
  ...ACCOUNT_ENTRIES,
  ...SDK_AND_RELAY_ENTRIES,
  ...GRAPHQL_ENTRIES,
  ...JOB_ENTRIES,
  ...GOVERNANCE_ENTRIES,
  ...LIFECYCLE_ENTRIES,
  ...DEPLOYMENT_ENTRIES,
];
