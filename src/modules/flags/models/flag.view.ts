import type { FlagDefinition, FlagEnvironmentConfig } from '../../../core/model/flag-config';

/** The REST/GraphQL shape of a flag: the project-level definition plus every environment's config. */
export interface FlagView extends Omit<FlagDefinition, 'maintainerId'> {
  version: number;
  environments: Record<string, FlagEnvironmentConfig>;
}

export const flagView = (
  key: string,
  def: FlagDefinition,
  environments: Record<string, FlagEnvironmentConfig>,
  version: number,
): FlagView => {
  const { maintainerId: _m, ...rest } = def;
  return { ...rest, key, version, environments };
};

/** A flag's configurations keyed by environment key, from its rows. */
export function configsByEnvKey(row: {
  environments: { config: unknown; environment: { key: string } }[];
}): Record<string, FlagEnvironmentConfig> {
  return Object.fromEntries(
    row.environments.map((fe) => [fe.environment.key, fe.config as unknown as FlagEnvironmentConfig]),
  );
}
