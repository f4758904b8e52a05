import type { Actor } from '../accounts/models/actor';

/**
 * The part of the organisation an actor may read audit entries of: entries whose resource is one
 * of `exact` or lies under one of them (`<exact>:...`). Projects and environments live above the
 * audit module, so it declares what it needs here and the projects module provides it.
 */
export interface ReadScope {
  exact: string[];
}

export abstract class ReadScopeSource {
  /** null when the actor may view every project and environment (no filter: the whole log). */
  abstract readScope(actor: Actor): Promise<ReadScope | null>;
}

/** Whether `resource` (as stored in an entry) lies inside the scope. */
export const inReadScope = (scope: ReadScope | null, resource: string): boolean =>
  scope === null || scope.exact.some((r) => resource === r || resource.startsWith(`${r}:`));
