/**
 * The mutation registry: every operation of every surface that changes something (REST routes with
 * POST/PUT/PATCH/DELETE, trigger URLs, GraphQL mutations, background jobs), what it changes, the
 * actions it checks, and where it stands towards the approval gate. Gantry promises that nothing
 * reaches a protected environment without review; this table is that promise written down, one
 * line per operation.
 *
 * - `gated`: the change goes through the one write path's approval gate (enforceApprovalGate), or is
 *   approved where the automation that makes it is created (schedule, release, pipeline run, trigger,
 *   change request) and written later under that approval. Creating such automation past a required
 *   approval is break-glass, like a direct write past it: a reason, and a retroactive review.
 * - `governs-the-gate`: changes what protects an environment (its settings, its approval settings,
 *   its existence, its SDK keys; deleting a segment). These need protecting in their own right.
 * - `not-targeting`: cannot change what any SDK serves beyond what was already approved; `reason`
 *   says why, in one line.
 *
 * `actions` are the policy actions the operation checks with `authz.assert`/`authz.can`, apart from
 * `viewProject`, which every project-scoped operation checks first. `instructions` marks operations
 * that also check the action of each semantic-patch instruction they carry (FLAG_INSTRUCTION_ACTIONS,
 * SEGMENT_INSTRUCTION_ACTIONS). REST operations are written `METHOD /path/{param}`. Jobs run as
 * Gantry's automation actor: they check no action of their own; the entry that created the work did.
 *
 * test/integration/mutation-registry.spec.ts fails when the running application serves a mutating
 * operation missing here, or when an entry here is no longer served; every REST entry authenticated
 * by an access token must answer 401 without one. The README's "Mutation registry" table is
 * generated from this file (scripts/generate-mutation-docs.ts, run by `npm run openapi`).
 *
 * The entries are in mutation-registry-<part>.ts, one file per section of the list (REST by domain,
 * GraphQL, jobs, then later domains that mix surfaces), concatenated in order by
 * mutation-registry-entries.ts; the entry type is in mutation-registry-types.ts, the checks in
 * mutation-registry-checks.ts. Import from here.
 */
export { MUTATION_GATES, TRIGGER_URL_PREFIX } from './mutation-registry-types';
export type { MutationEntry, MutationGate, MutationSurface } from './mutation-registry-types';
export { MUTATION_REGISTRY } from './mutation-registry-entries';
export { registryProblems } from './mutation-registry-checks';
