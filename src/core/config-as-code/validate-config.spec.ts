import { validateConfig } from './validate-config';

const valid = (): any => ({
  version: 1,
  project: 'shop',
  flags: [
    { key: 'payments', name: 'Payments', variations: [{ value: true }, { value: false }] },
    {
      key: 'checkout',
      name: 'Checkout',
      variations: [{ value: 'red' }, { value: 'blue' }],
      environments: {
        production: {
          on: true,
          offVariation: 'red',
          fallthrough: {
            rollout: {
              variations: [
                { variation: 'red', weight: 40000 },
                { variation: 'blue', weight: 60000 },
              ],
            },
          },
          targets: [{ variation: 'blue', values: ['alice'] }],
          rules: [{ id: 'de', clauses: [{ attribute: 'country', op: 'in', values: ['de'] }], variation: 'blue' }],
          prerequisites: [{ flag: 'payments', variation: true }],
        },
      },
    },
  ],
  segments: {
    production: [
      { key: 'beta', name: 'Beta', rules: [{ id: 'r', clauses: [{ op: 'segmentMatch', values: ['other'] }] }] },
    ],
  },
});

const problemsOf = (edit: (doc: any) => void) => {
  const doc = valid();
  edit(doc);
  const result = validateConfig(doc);
  return result.ok ? [] : result.problems;
};

describe('validateConfig', () => {
  it('accepts a valid file', () => {
    expect(validateConfig(valid()).ok).toBe(true);
  });

  it('names the path of a bad operator', () => {
    expect(problemsOf((d) => (d.flags[1].environments.production.rules[0].clauses[0].op = 'equals'))).toEqual([
      {
        field: 'flags[1].environments.production.rules[0].clauses[0].op',
        reason: expect.stringMatching(/^must be one of in, endsWith/),
      },
    ]);
  });

  it('refuses unknown and missing fields, wrong types and bad keys', () => {
    expect(
      problemsOf((d) => {
        d.colour = 'blue';
        delete d.flags[0].name;
        d.flags[1].environments.production.on = 'yes';
        d.flags[0].key = 'bad key';
      }),
    ).toEqual([
      { field: 'flags[0].name', reason: 'is required' },
      { field: 'flags[0].key', reason: "'bad key' does not match ^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$" },
      { field: 'flags[1].environments.production.on', reason: 'must be boolean, not string' },
      { field: 'colour', reason: 'unknown field' },
    ]);
    expect(validateConfig('just text').ok).toBe(false);
    expect(problemsOf((d) => (d.version = 2))).toEqual([{ field: 'version', reason: 'must be 1' }]);
  });

  it('refuses an unknown variation reference, in the flag and in a prerequisite', () => {
    expect(
      problemsOf((d) => {
        d.flags[1].environments.production.targets[0].variation = 'green';
        d.flags[1].environments.production.prerequisites[0].variation = 'yes';
      }),
    ).toEqual([
      {
        field: 'flags[1].environments.production.targets[0].variation',
        reason: '"green" is not a variation of flag \'checkout\'',
      },
      {
        field: 'flags[1].environments.production.prerequisites[0].variation',
        reason: '"yes" is not a variation of flag \'payments\'',
      },
    ]);
  });

  it('refuses duplicate keys, values and rule ids', () => {
    expect(
      problemsOf((d) => {
        d.flags.push({ ...d.flags[0] });
        d.flags[1].variations.push({ value: 'red' });
        const rules = d.flags[1].environments.production.rules;
        rules.push({ ...rules[0] });
        d.segments.production.push({ key: 'beta', name: 'again' });
      }),
    ).toEqual([
      { field: 'flags[2].key', reason: "duplicates flags[0].key 'payments'" },
      { field: 'flags[1].variations[2].value', reason: 'duplicates variations[0].value "red"' },
      { field: 'flags[1].environments.production.rules[1].id', reason: "rule id 'de' is used twice" },
      { field: 'segments.production[1].key', reason: "duplicates segments.production[0].key 'beta'" },
    ]);
  });

  it('refuses weights that do not add up and a serve with both or neither', () => {
    expect(
      problemsOf((d) => {
        d.flags[1].environments.production.fallthrough.rollout.variations[0].weight = 1;
        d.flags[1].environments.production.rules[0].rollout = { variations: [{ variation: 'red', weight: 100000 }] };
      }),
    ).toEqual([
      {
        field: 'flags[1].environments.production.fallthrough.rollout.variations',
        reason: 'weights must add up to 100000, not 60001',
      },
      { field: 'flags[1].environments.production.rules[0]', reason: 'needs exactly one of variation or rollout' },
    ]);
  });

  it('refuses a key targeted by two variations and a flag that is its own prerequisite', () => {
    expect(
      problemsOf((d) => {
        d.flags[1].environments.production.targets.push({ variation: 'red', values: ['alice'] });
        d.flags[1].environments.production.prerequisites[0].flag = 'checkout';
      }),
    ).toEqual([
      {
        field: 'flags[1].environments.production.targets[1].values[0]',
        reason: '\'alice\' is already targeted with variation "blue"',
      },
      {
        field: 'flags[1].environments.production.prerequisites[0].flag',
        reason: 'a flag cannot be its own prerequisite',
      },
      {
        field: 'flags[1].environments.production.prerequisites[0].variation',
        reason: "true is not a variation of flag 'checkout'",
      },
    ]);
  });
});
