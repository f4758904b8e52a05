import type { MutationEntry } from './mutation-registry-types';

export const SDK_AND_RELAY_ENTRIES: readonly MutationEntry[] = [
  // SDK protocols (their own credential: the SDK key)
  {
    surface: 'rest',
    operation: 'POST /bulk',
    actions: [],
    resource: 'SDK events',
    gate: 'not-targeting',
    credential: 'sdk-key',
    reason: 'event ingestion',
  },
  {
    surface: 'rest',
    operation: 'POST /diagnostic',
    actions: [],
    resource: 'SDK diagnostics',
    gate: 'not-targeting',
    credential: 'sdk-key',
    reason: 'diagnostics are accepted and dropped',
  },
  {
    surface: 'rest',
    operation: 'POST /ofrep/v1/evaluate/flags',
    actions: [],
    resource: 'evaluation',
    gate: 'not-targeting',
    credential: 'sdk-key',
    reason: 'evaluation only, writes nothing',
  },
  {
    surface: 'rest',
    operation: 'POST /ofrep/v1/evaluate/flags/{key}',
    actions: [],
    resource: 'evaluation',
    gate: 'not-targeting',
    credential: 'sdk-key',
    reason: 'evaluation only, writes nothing',
  },

  // The relay surface edges use (their own credential: a relay credential)
  {
    surface: 'rest',
    operation: 'POST /relay/v1/feed',
    actions: [],
    resource: 'relay feed',
    gate: 'not-targeting',
    credential: 'relay-credential',
    reason: 'reads the snapshots of the environments in the credential scope; writes nothing',
  },
  {
    surface: 'rest',
    operation: 'POST /relay/v1/environments/{environmentId}/events',
    actions: [],
    resource: 'SDK events',
    gate: 'not-targeting',
    credential: 'relay-credential',
    reason: 'event ingestion forwarded by an edge, for an environment in the credential scope',
  },
  {
    surface: 'rest',
    operation: 'POST /relay/v1/evaluation-counts',
    actions: [],
    resource: 'evaluation counts',
    gate: 'not-targeting',
    credential: 'relay-credential',
    reason: 'evaluation counts forwarded by an edge, for environments in the credential scope',
  },
];
