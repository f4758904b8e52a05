import { servingOneSince, type FlagFacts } from '../../core/lifecycle';
import type { FlagLifecycleRow } from '../flags/flags.repository';

/** An environment as lifecycle needs it: id for the joins, key for the answers. */
export interface EnvironmentRef {
  id: string;
  key: string;
}

/**
 * Joins what three modules know of a flag into core/lifecycle's FlagFacts: the flag's row and its
 * newest versions (flags), the last evaluation per environment (insights, keyed
 * `<environmentId>/<flagKey>`), and its reference count (code references). Every environment of the
 * project is judged, also one where the flag has no version (then it serves nothing "since").
 * Plain, so it is unit-tested without Nest.
 */
export function lifecycleFactsOf(
  row: FlagLifecycleRow,
  environments: readonly EnvironmentRef[],
  lastEvaluated: ReadonlyMap<string, Date>,
  codeReferenceCount: number,
): FlagFacts {
  return {
    createdAt: row.createdAt,
    archived: row.archived,
    temporary: row.definition.temporary,
    plannedRemovalDate: row.definition.plannedRemovalDate,
    codeReferenceCount,
    environments: environments.map((env) => {
      const versions = row.environments.find((e) => e.environmentId === env.id)?.versions ?? [];
      return {
        key: env.key,
        lastEvaluatedAt: lastEvaluated.get(`${env.id}/${row.key}`) ?? null,
        servingOneSince: servingOneSince(versions)?.since,
      };
    }),
  };
}
