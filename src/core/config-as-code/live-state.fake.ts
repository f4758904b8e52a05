/** Live state for the config-as-code unit specs, built by hand (not by the code under test). Not built into dist. */
import type { ApprovalSettings } from '../approval/approval-settings';
import { defaultApprovalSettings } from '../approval/approval-settings';
import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from '../model/flag-config';
import type { LiveFlag, LiveProject } from './live-model';

export function definition(overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return {
    key: 'checkout',
    name: 'Checkout',
    description: '',
    kind: 'multivariate',
    variations: [
      { _id: 'v-red', value: 'red' },
      { _id: 'v-blue', value: 'blue', name: 'Blue' },
      { _id: 'v-green', value: 'green' },
    ],
    tags: [],
    temporary: true,
    archived: false,
    clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false },
    defaults: { onVariation: 0, offVariation: 2 },
    maintainerId: null,
    ...overrides,
  };
}

export function environment(overrides: Partial<FlagEnvironmentConfig> = {}): FlagEnvironmentConfig {
  return {
    on: false,
    offVariation: 2,
    fallthrough: { variation: 0 },
    targets: [],
    contextTargets: [],
    rules: [],
    prerequisites: [],
    salt: 'salt',
    trackEvents: false,
    trackEventsFallthrough: false,
    version: 7,
    ...overrides,
  };
}

export function liveFlag(
  def: FlagDefinition = definition(),
  envs: Record<string, FlagEnvironmentConfig> = { staging: environment(), production: environment() },
): LiveFlag {
  return { flag: def, version: 3, environments: envs };
}

export function segment(overrides: Partial<SegmentConfig> = {}): SegmentConfig {
  return {
    key: 'beta',
    name: 'Beta',
    description: '',
    tags: [],
    included: [],
    excluded: [],
    includedContexts: [],
    excludedContexts: [],
    rules: [],
    salt: 's',
    version: 4,
    deleted: false,
    ...overrides,
  };
}

/** staging ungated, production gated (the built-in default for a critical environment). */
export function project(
  flags: LiveFlag[],
  segments: Record<string, SegmentConfig[]> = {},
  production: ApprovalSettings = defaultApprovalSettings(true),
): LiveProject {
  return {
    key: 'shop',
    environments: [
      { key: 'production', approval: production },
      { key: 'staging', approval: defaultApprovalSettings(false) },
    ],
    flags,
    segments: { staging: [], production: [], ...segments },
  };
}
