import type { BypassNotice } from '../../write-path/bypass-ledger';
import type { FlagDefinition, FlagEnvironmentConfig } from '../../../core/model/flag-config';
import type { FlagConfigRecord } from '../flag-records';
import type { GuardrailWarning } from '../../guardrails/guardrail-checks';

/** The REST/GraphQL shape of a flag: the project-level definition plus every environment's config. */
export interface FlagView extends Omit<FlagDefinition, 'maintainerId'> {
  version: number;
  environments: Record<string, FlagEnvironmentConfig>;
  /** Set on a write's response when it went past a required approval (break-glass). */
  approvalBypassed?: BypassNotice[];
  /** Set when the flag has one. */
  maintainerId?: string;
  /** Write responses only: the guardrail `warn` rules the write broke (absent when none). */
  warnings?: GuardrailWarning[];
}

export const flagView = (
  key: string,
  def: FlagDefinition,
  environments: Record<string, FlagEnvironmentConfig>,
  version: number,
): FlagView => {
  const { maintainerId, ...rest } = def;
  return { ...rest, ...(maintainerId ? { maintainerId } : {}), key, version, environments };
};

/** A flag's configurations keyed by environment key. */
export function configsByEnvKey(flag: { environments: FlagConfigRecord[] }): Record<string, FlagEnvironmentConfig> {
  return Object.fromEntries(flag.environments.map((fe) => [fe.environmentKey, fe.config]));
}

/** The view with only the environments the caller may view (read access is as narrow as write access). */
export function withEnvironments(view: FlagView, visibleEnvKeys: ReadonlySet<string>): FlagView {
  return {
    ...view,
    environments: Object.fromEntries(Object.entries(view.environments).filter(([k]) => visibleEnvKeys.has(k))),
  };
}
