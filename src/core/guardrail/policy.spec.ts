import { DomainError } from '../errors';
import { coversEnvironment, parseGuardrailPolicy, type GuardrailPolicyInput } from './policy';

const errorsOf = (input: GuardrailPolicyInput, key = 'p') => {
  try {
    parseGuardrailPolicy(key, input);
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, errors: err.errors };
    throw err;
  }
  throw new Error('expected guardrail/invalid');
};

describe('parseGuardrailPolicy', () => {
  it('normalises a valid policy with every rule kind', () => {
    const policy = parseGuardrailPolicy('prod-rules', {
      name: 'Production rules',
      environmentKeys: ['production', 'production', 'eu'],
      rules: [
        { kind: 'flagKeyPattern', effect: 'block', pattern: 'team-*' },
        { kind: 'requiredTags', effect: 'warn', tags: ['owner', 'area', 'owner'] },
        { kind: 'requireMaintainer', effect: 'warn' },
        { kind: 'temporaryNeedsRemovalDate', effect: 'block' },
        { kind: 'maxRolloutIncrease', effect: 'block', thousandths: 10000 },
        { kind: 'maxClauseValues', effect: 'warn', max: 50 },
        { kind: 'forbidIndividualTargets', effect: 'block' },
      ],
    });
    expect(policy).toEqual({
      key: 'prod-rules',
      name: 'Production rules',
      description: '',
      environmentKeys: ['eu', 'production'],
      rules: [
        { kind: 'flagKeyPattern', effect: 'block', pattern: 'team-*' },
        { kind: 'requiredTags', effect: 'warn', tags: ['area', 'owner'] },
        { kind: 'requireMaintainer', effect: 'warn' },
        { kind: 'temporaryNeedsRemovalDate', effect: 'block' },
        { kind: 'maxRolloutIncrease', effect: 'block', thousandths: 10000 },
        { kind: 'maxClauseValues', effect: 'warn', max: 50 },
        { kind: 'forbidIndividualTargets', effect: 'block' },
      ],
    });
    expect(coversEnvironment(policy, 'eu')).toBe(true);
    expect(coversEnvironment(policy, 'staging')).toBe(false);
    expect(coversEnvironment({ environmentKeys: null }, 'staging')).toBe(true);
  });

  it('reports every problem at once, with its path', () => {
    const { code, errors } = errorsOf({
      name: ' ',
      environmentKeys: ['ok', 'not ok'],
      rules: [
        { kind: 'nope', effect: 'block' },
        { kind: 'maxRolloutIncrease', effect: 'block', thousandths: -1 },
        { kind: 'maxClauseValues', effect: 'stop', max: 0 },
        { kind: 'flagKeyPattern', effect: 'warn', pattern: '[a-' },
        { kind: 'requireMaintainer', effect: 'warn', extra: true },
        { kind: 'requiredTags', effect: 'warn', tags: ['bad tag'] },
        'rule',
      ],
    });
    expect(code).toBe('guardrail/invalid');
    expect(errors).toEqual([
      { field: 'name', reason: 'must be a non-blank string of at most 256 characters' },
      { field: 'environmentKeys[1]', reason: expect.stringContaining('must match') },
      { index: 0, field: 'rules[0].kind', reason: expect.stringContaining('must be one of flagKeyPattern,') },
      { index: 1, field: 'rules[1].thousandths', reason: 'must be an integer from 0 to 100000' },
      { index: 2, field: 'rules[2].effect', reason: "must be 'block' or 'warn'" },
      { index: 2, field: 'rules[2].max', reason: 'must be an integer from 1 to 1000000' },
      { index: 3, field: 'rules[3].pattern', reason: "'[' at position 1 is not closed by ']'" },
      { index: 4, field: 'rules[4].extra', reason: 'unknown field for a requireMaintainer rule' },
      { index: 5, field: 'rules[5].tags[0]', reason: expect.stringContaining('must match') },
      { index: 6, field: 'rules[6]', reason: 'must be an object' },
    ]);
  });

  it('refuses a missing or empty rule list, an empty scope, a bad key and over-long patterns', () => {
    expect(errorsOf({ name: 'n' }).errors).toEqual([{ field: 'rules', reason: 'must be a list of 1 to 50 rules' }]);
    expect(errorsOf({ name: 'n', rules: [] }).errors?.[0].field).toBe('rules');
    expect(
      errorsOf({ name: 'n', environmentKeys: [], rules: [{ kind: 'requireMaintainer', effect: 'warn' }] }).errors,
    ).toEqual([{ field: 'environmentKeys', reason: expect.stringContaining('omit it for all') }]);
    expect(errorsOf({ name: 'n', rules: [{ kind: 'requireMaintainer', effect: 'warn' }] }, 'bad key').errors).toEqual([
      { field: 'key', reason: expect.stringContaining('must match') },
    ]);
    expect(
      errorsOf({ name: 'n', rules: [{ kind: 'flagKeyPattern', effect: 'warn', pattern: 'x'.repeat(257) }] }).errors,
    ).toEqual([{ index: 0, field: 'rules[0].pattern', reason: 'must be at most 256 characters' }]);
    expect(
      errorsOf({ name: 'n', rules: [{ kind: 'maxRolloutIncrease', effect: 'warn', thousandths: 1.5 }] }).errors?.[0]
        .field,
    ).toBe('rules[0].thousandths');
  });

  it('accepts the boundaries of numeric fields', () => {
    const rules = parseGuardrailPolicy('p', {
      name: 'n',
      rules: [
        { kind: 'maxRolloutIncrease', effect: 'warn', thousandths: 0 },
        { kind: 'maxRolloutIncrease', effect: 'warn', thousandths: 100000 },
        { kind: 'maxClauseValues', effect: 'warn', max: 1 },
      ],
    }).rules;
    expect(rules).toHaveLength(3);
  });
});
