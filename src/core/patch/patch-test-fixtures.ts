/**
 * Test data for the specs of core/patch (not a spec itself, and left out of the build). Each factory
 * builds one plain default; a spec that needs something else says so with overrides where it calls it.
 */
import { DomainError } from '../errors';
import { FlagDefinition, FlagEnvironmentConfig, SegmentConfig } from '../model/flag-config';
import { FlagPatchContext, FlagPatchState, SegmentPatchContext } from './index';

/** Flag 'checkout': multivariate over va, vb, vc (values 'a', 'b', 'c'), on 0, off 1, no tags. */
export function makeFlag(overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return {
    key: 'checkout',
    name: 'Checkout',
    description: '',
    kind: 'multivariate',
    variations: [
      { _id: 'va', value: 'a' },
      { _id: 'vb', value: 'b' },
      { _id: 'vc', value: 'c' },
    ],
    tags: [],
    temporary: true,
    archived: false,
    clientSideAvailability: { usingEnvironmentId: false, usingMobileKey: false },
    defaults: { onVariation: 0, offVariation: 1 },
    maintainerId: null,
    ...overrides,
  };
}

/** makeFlag as a boolean flag: variations t (true) and f (false), on 0, off 1. */
export function booleanFlag(overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return makeFlag({
    kind: 'boolean',
    variations: [
      { _id: 't', value: true },
      { _id: 'f', value: false },
    ],
    defaults: { onVariation: 0, offVariation: 1 },
    ...overrides,
  });
}

/** An environment config that is on, serves variation 0 and is off at 1, with nothing targeted, version 1. */
export function makeEnv(overrides: Partial<FlagEnvironmentConfig> = {}): FlagEnvironmentConfig {
  return {
    on: true,
    offVariation: 1,
    fallthrough: { variation: 0 },
    targets: [],
    contextTargets: [],
    rules: [],
    prerequisites: [],
    salt: 's',
    trackEvents: false,
    trackEventsFallthrough: false,
    version: 1,
    ...overrides,
  };
}

/** A flag with its environments; by default makeFlag() with makeEnv() as 'production'. */
export function makeState(
  flag = makeFlag(),
  environments: Record<string, FlagEnvironmentConfig> = { production: makeEnv() },
): FlagPatchState {
  return { flag, environments };
}

/** newId hands out id1, id2, … in order, a fresh sequence per call. */
function sequentialIds(): () => string {
  let n = 0;
  return () => `id${++n}`;
}

/** Sequential ids, environment 'production', no other flags. */
export function makeCtx(overrides: Partial<FlagPatchContext> = {}): FlagPatchContext {
  return { newId: sequentialIds(), environmentKey: 'production', lookupFlag: () => undefined, ...overrides };
}

/** Segment 'beta-users' with tag 'b', user 'u1' included, no rules, version 4. */
export function makeSegment(overrides: Partial<SegmentConfig> = {}): SegmentConfig {
  return {
    key: 'beta-users',
    name: 'Beta users',
    description: '',
    tags: ['b'],
    included: ['u1'],
    excluded: [],
    includedContexts: [],
    excludedContexts: [],
    rules: [],
    salt: 'salt',
    version: 4,
    deleted: false,
    ...overrides,
  };
}

/** Sequential ids, as makeCtx but for segments. */
export function makeSegmentCtx(): SegmentPatchContext {
  return { newId: sequentialIds() };
}

/** The DomainError that run throws; fails if it throws nothing, rethrows anything else. */
export function thrown(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}
