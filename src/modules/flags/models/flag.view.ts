import type { FlagDefinition, FlagEnvironmentConfig } from '../../../core/model/flag-config';

/** The REST/GraphQL shape of a flag: the project-level definition plus every environment's config. */
export interface FlagView extends Omit<FlagDefinition, 'maintainerId'> {
  version: number;
  environments: Record<string, FlagEnvironmentConfig>;
}

export const flagView = (key: string, def: FlagDefinition, environments: Record<string, FlagEnvironmentConfig>, version: number): FlagView => {
  const { maintainerId: _m, ...rest } = def;
  return { ...rest, key, version, environments };
};
