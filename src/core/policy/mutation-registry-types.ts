/** The shape of a mutation registry entry (what the registry promises: mutation-registry.ts). */
import type { ActionName } from './actions';

export type MutationSurface = 'rest' | 'graphql' | 'trigger' | 'job';
export const MUTATION_GATES = ['gated', 'governs-the-gate', 'not-targeting'] as const;
export type MutationGate = (typeof MUTATION_GATES)[number];

interface EntryBase {
  surface: MutationSurface;
  /** `METHOD /api/v1/...` for REST and trigger URLs; the Mutation field for GraphQL; the job name for jobs. */
  operation: string;
  actions: readonly ActionName[];
  /** Also checks each carried instruction's own action, on flags or on segments. */
  instructions?: 'flag' | 'segment' | 'flag or segment';
  /** What it changes, in words: 'flag environment config', 'environment settings', 'webhook'. */
  resource: string;
  /** A REST route authenticated by its own credential rather than an access token. */
  credential?: 'sdk-key' | 'trigger-secret' | 'sign-in' | 'relay-credential';
}

export type MutationEntry = EntryBase &
  ({ gate: 'gated' | 'governs-the-gate'; reason?: string } | { gate: 'not-targeting'; reason: string });

/** Trigger URLs: their secret is their credential, so they form their own surface. */
export const TRIGGER_URL_PREFIX = '/api/v1/triggers/';
