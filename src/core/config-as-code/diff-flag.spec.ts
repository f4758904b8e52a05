import type { FlagEnvironmentSpec, FlagSpec } from './config-file';
import { environmentInstructions, flagLevelInstructions, variationRemovals } from './diff-flag';
import type { ConfigProblem } from './schema-check';
import { definition, environment } from '../../../test/support/fixtures/live-state';

const def = definition();
const other = definition({
  key: 'payments',
  variations: [
    { _id: 'p-on', value: true },
    { _id: 'p-off', value: false },
  ],
});
const lookups = { flag: (key: string) => (key === 'payments' ? other : undefined) };

/** The file's view of `environment()`: off, off variation green, fallthrough red. */
const base: FlagEnvironmentSpec = { on: false, offVariation: 'green', fallthrough: { variation: 'red' } };

function diff(spec: Partial<FlagEnvironmentSpec>, current = environment()) {
  const problems: ConfigProblem[] = [];
  const out = environmentInstructions(
    def,
    current,
    { ...base, ...spec },
    lookups,
    'flags[0].environments.staging',
    problems,
  );
  return { out, problems };
}

describe('environmentInstructions', () => {
  it('yields nothing for identical states', () => {
    expect(diff({}).out).toEqual([]);
  });

  it('turns the flag on and off', () => {
    expect(diff({ on: true }).out).toEqual([{ kind: 'turnFlagOn' }]);
    expect(diff({ on: false }, environment({ on: true })).out).toEqual([{ kind: 'turnFlagOff' }]);
  });

  it('changes the off variation, to none too', () => {
    expect(diff({ offVariation: 'blue' }).out).toEqual([{ kind: 'updateOffVariation', variationId: 'v-blue' }]);
    expect(diff({ offVariation: null }).out).toEqual([{ kind: 'updateOffVariation', variationId: null }]);
  });

  it('serves a variation or a rollout by variation id', () => {
    expect(diff({ fallthrough: { variation: 'green' } }).out).toEqual([
      { kind: 'updateFallthroughVariationOrRollout', variationId: 'v-green' },
    ]);
    const rollout = {
      variations: [
        { variation: 'red', weight: 25000 },
        { variation: 'blue', weight: 75000 },
      ],
      bucketBy: 'org',
    };
    expect(diff({ fallthrough: { rollout } }).out).toEqual([
      {
        kind: 'updateFallthroughVariationOrRollout',
        rolloutWeights: { 'v-red': 25000, 'v-blue': 75000 },
        rolloutBucketBy: 'org',
      },
    ]);
  });

  it('replaces individual targets as one ordered list', () => {
    const { out } = diff({
      targets: [
        { variation: 'blue', values: ['alice', 'bob'] },
        { variation: 'red', contextKind: 'org', values: ['acme'] },
      ],
    });
    expect(out).toEqual([
      {
        kind: 'replaceTargets',
        targets: [
          { variationId: 'v-blue', values: ['alice', 'bob'] },
          { variationId: 'v-red', values: ['acme'], contextKind: 'org' },
        ],
      },
    ]);
    const targeted = environment({
      targets: [{ variation: 1, values: ['alice'] }],
      contextTargets: [{ contextKind: 'user', variation: 1, values: [] }],
    });
    expect(diff({}, targeted).out).toEqual([{ kind: 'clearTargets' }]);
    expect(diff({ targets: [{ variation: 'blue', values: ['alice'] }] }, targeted).out).toEqual([]);
  });

  it('adds a rule under the file id, edits one in place, removes one, reorders', () => {
    const clause = { attribute: 'country', op: 'in' as const, values: ['de'] };
    expect(diff({ rules: [{ id: 'germany', clauses: [clause], variation: 'blue', description: 'DE' }] }).out).toEqual([
      {
        kind: 'addRule',
        ruleId: 'germany',
        clauses: [{ attribute: 'country', op: 'in', values: ['de'], negate: false }],
        variationId: 'v-blue',
        description: 'DE',
      },
    ]);
    const live = environment({
      rules: [
        {
          _id: 'germany',
          clauses: [{ _id: 'c1', attribute: 'country', op: 'in', values: ['de'], negate: false }],
          variation: 1,
          trackEvents: false,
        },
        {
          _id: 'staff',
          clauses: [{ _id: 'c2', attribute: 'email', op: 'endsWith', values: ['@shop.test'], negate: false }],
          variation: 0,
          trackEvents: false,
        },
      ],
    });
    // the clause changes value (updateClause keeps its id), the serve changes, staff goes
    expect(
      diff({ rules: [{ id: 'germany', clauses: [{ ...clause, values: ['de', 'at'] }], variation: 'green' }] }, live)
        .out,
    ).toEqual([
      { kind: 'removeRule', ruleId: 'staff' },
      {
        kind: 'updateClause',
        ruleId: 'germany',
        clauseId: 'c1',
        clause: { attribute: 'country', op: 'in', values: ['de', 'at'], negate: false },
      },
      { kind: 'updateRuleVariationOrRollout', ruleId: 'germany', variationId: 'v-green' },
    ]);
    const swapped = [
      {
        id: 'staff',
        clauses: [{ attribute: 'email', op: 'endsWith' as const, values: ['@shop.test'] }],
        variation: 'red',
      },
      { id: 'germany', clauses: [clause], variation: 'blue' },
    ];
    expect(diff({ rules: swapped }, live).out).toEqual([{ kind: 'reorderRules', ruleIds: ['staff', 'germany'] }]);
  });

  it('adds, updates and removes prerequisites by the other flag’s variation value', () => {
    expect(diff({ prerequisites: [{ flag: 'payments', variation: true }] }).out).toEqual([
      { kind: 'addPrerequisite', key: 'payments', variationId: 'p-on' },
    ]);
    const live = environment({ prerequisites: [{ key: 'payments', variation: 0 }] });
    expect(diff({ prerequisites: [{ flag: 'payments', variation: false }] }, live).out).toEqual([
      { kind: 'updatePrerequisite', key: 'payments', variationId: 'p-off' },
    ]);
    expect(diff({}, live).out).toEqual([{ kind: 'removePrerequisite', key: 'payments' }]);
  });

  it('tracks events', () => {
    expect(diff({ trackEvents: true, trackEventsFallthrough: true }).out).toEqual([
      { kind: 'updateTrackEvents', trackEvents: true },
      { kind: 'updateTrackEventsFallthrough', trackEvents: true },
    ]);
  });

  it('reports unknown variations and prerequisite flags with their paths, and plans nothing', () => {
    const { out, problems } = diff({
      fallthrough: { variation: 'purple' },
      prerequisites: [{ flag: 'nope', variation: true }],
    });
    expect(out).toEqual([]);
    expect(problems).toEqual([
      { field: 'flags[0].environments.staging.prerequisites[0].flag', reason: "flag 'nope' does not exist" },
      {
        field: 'flags[0].environments.staging.fallthrough.variation',
        reason: '"purple" is not a variation of flag \'checkout\'',
      },
    ]);
  });
});

describe('flag-level instructions', () => {
  const spec: FlagSpec = {
    key: 'checkout',
    name: 'Checkout',
    temporary: true,
    variations: [{ value: 'red' }, { value: 'blue', name: 'Blue' }, { value: 'green' }],
  };

  it('yields nothing for an identical flag', () => {
    expect(flagLevelInstructions(def, spec)).toEqual([]);
    expect(variationRemovals(def, spec)).toEqual([]);
  });

  it('changes metadata', () => {
    const changed = { ...spec, name: 'New checkout', description: 'v2', tags: ['web', 'team-a'], temporary: false };
    expect(flagLevelInstructions(definition({ tags: ['old'] }), changed)).toEqual([
      { kind: 'updateName', value: 'New checkout' },
      { kind: 'updateDescription', value: 'v2' },
      { kind: 'addTags', values: ['team-a', 'web'] },
      { kind: 'removeTags', values: ['old'] },
      { kind: 'makeFlagPermanent' },
    ]);
  });

  it('sets the services as a set, and clears them when the file lists none', () => {
    expect(flagLevelInstructions(def, { ...spec, services: ['web', 'api', 'web'] })).toEqual([
      { kind: 'setServices', values: ['api', 'web'] },
    ]);
    expect(
      flagLevelInstructions(definition({ services: ['api', 'web'] }), { ...spec, services: ['web', 'api'] }),
    ).toEqual([]);
    expect(flagLevelInstructions(definition({ services: ['api'] }), spec)).toEqual([
      { kind: 'setServices', values: [] },
    ]);
  });

  it('adds and renames variations first, removes the dropped ones in a later write', () => {
    const changed = { ...spec, variations: [{ value: 'red', name: 'Red' }, { value: 'blue' }, { value: 'yellow' }] };
    expect(flagLevelInstructions(def, changed)).toEqual([
      { kind: 'updateVariation', variationId: 'v-red', name: 'Red' },
      { kind: 'updateVariation', variationId: 'v-blue', name: '' },
      { kind: 'addVariation', value: 'yellow' },
    ]);
    expect(variationRemovals(def, changed)).toEqual([{ kind: 'removeVariation', variationId: 'v-green' }]);
  });

  it('restores an archived flag the file lists', () => {
    expect(flagLevelInstructions(definition({ archived: true }), spec)).toEqual([{ kind: 'restoreFlag' }]);
  });
});
