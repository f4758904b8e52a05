/**
 * Compares the mutation registry (src/core/policy/mutation-registry.ts) with what the running
 * application serves, as collected by live-operations.ts. Pure, so the comparison itself is tested
 * on made-up inputs and the integration test cannot pass by comparing nothing with nothing.
 */
import {
  MUTATION_REGISTRY,
  TRIGGER_URL_PREFIX,
  type MutationEntry,
  type MutationSurface,
} from '../../src/core/policy/mutation-registry';

/** What live-operations.ts writes. */
export interface LiveOperations {
  /** Every route the Fastify router registered, with Fastify's `:param` paths. */
  routes: { method: string; url: string }[];
  /** The GraphQL schema's Mutation fields. */
  mutations: string[];
  jobs: { handlers: string[]; declared: string[] };
}

export const MUTATING_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** The GraphQL transport's own route: its operations are the Mutation fields, listed one by one. */
export const GRAPHQL_PATH = '/graphql';
/** A route live-operations.ts adds to the live router on every run, which the registry must miss. */
export const PROBE_ROUTE = { method: 'POST', url: '/api/v1/registry-probe/:id' } as const;
export const PROBE_OPERATION = 'rest POST /api/v1/registry-probe/{id}';

/** Fastify's `/a/:b` as the registry writes it, `/a/{b}`; no trailing slash. */
export function normalizePath(url: string): string {
  const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

export function surfaceOfPath(path: string): MutationSurface {
  return path.startsWith(TRIGGER_URL_PREFIX) ? 'trigger' : 'rest';
}

export const keyOf = (e: Pick<MutationEntry, 'surface' | 'operation'>): string => `${e.surface} ${e.operation}`;

/** Every mutating operation the application serves, keyed like keyOf (`rest POST /api/v1/projects`). */
export function liveOperationKeys(live: LiveOperations): string[] {
  const routes = live.routes
    .filter((r) => MUTATING_METHODS.includes(r.method.toUpperCase()))
    .map((r) => ({ method: r.method.toUpperCase(), path: normalizePath(r.url) }))
    .filter((r) => r.path !== GRAPHQL_PATH)
    .map((r) => keyOf({ surface: surfaceOfPath(r.path), operation: `${r.method} ${r.path}` }));
  const mutations = live.mutations.map((name) => keyOf({ surface: 'graphql', operation: name }));
  const jobs = [...live.jobs.handlers, ...live.jobs.declared].map((name) => keyOf({ surface: 'job', operation: name }));
  return [...new Set([...routes, ...mutations, ...jobs])].sort();
}

export interface RegistryDiff {
  /** Served, but not in the registry. */
  missing: string[];
  /** In the registry, but no longer served. */
  stale: string[];
  /** In the registry more than once. */
  duplicated: string[];
}

export function registryDiff(liveKeys: readonly string[], registry: readonly MutationEntry[] = MUTATION_REGISTRY) {
  const listed = registry.map(keyOf);
  const served = new Set(liveKeys);
  return {
    missing: liveKeys.filter((k) => !listed.includes(k)),
    stale: [...new Set(listed.filter((k) => !served.has(k)))],
    duplicated: [...new Set(listed.filter((k, i) => listed.indexOf(k) !== i))],
  } satisfies RegistryDiff;
}

/** The failure message: what to add, what to remove. Empty when the registry is complete and current. */
export function describeDiff(diff: RegistryDiff): string {
  const parts: string[] = [];
  if (diff.missing.length)
    parts.push(
      `mutating operations missing from src/core/policy/mutation-registry.ts (add and classify each):\n` +
        diff.missing.map((k) => `  + ${k}`).join('\n'),
    );
  if (diff.stale.length)
    parts.push(
      `registry entries that the application no longer serves (remove them):\n` +
        diff.stale.map((k) => `  - ${k}`).join('\n'),
    );
  if (diff.duplicated.length)
    parts.push(`registry entries listed twice:\n${diff.duplicated.map((k) => `  ! ${k}`).join('\n')}`);
  return parts.join('\n\n');
}
