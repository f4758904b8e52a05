import type { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from './flag-config';

/**
 * The flag and segment JSON that LaunchDarkly server-side SDKs consume (FDv1). Outbox rows carry
 * this form so delivery can fan it out without another read.
 */
export function toSdkFlag(def: FlagDefinition, env: FlagEnvironmentConfig) {
  return {
    key: def.key,
    version: env.version,
    on: env.on,
    variations: def.variations.map((v) => v.value),
    offVariation: env.offVariation ?? undefined,
    fallthrough: env.fallthrough,
    targets: env.targets,
    contextTargets: env.contextTargets,
    rules: env.rules.map(({ _id, clauses, ...rest }) => ({
      id: _id,
      ...rest,
      clauses: clauses.map(({ _id: _c, ...c }) => c),
    })),
    prerequisites: env.prerequisites,
    salt: env.salt,
    trackEvents: env.trackEvents,
    trackEventsFallthrough: env.trackEventsFallthrough,
    clientSide: def.clientSideAvailability.usingEnvironmentId,
    clientSideAvailability: def.clientSideAvailability,
    deleted: def.archived,
  };
}

export function toSdkSegment(s: SegmentConfig) {
  return {
    key: s.key,
    version: s.version,
    included: s.included,
    excluded: s.excluded,
    includedContexts: s.includedContexts,
    excludedContexts: s.excludedContexts,
    rules: s.rules.map(({ _id, clauses, ...rest }) => ({
      id: _id,
      ...rest,
      clauses: clauses.map(({ _id: _c, ...c }) => c),
    })),
    salt: s.salt,
    deleted: s.deleted,
  };
}
