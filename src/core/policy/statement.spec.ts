import { DomainError } from '../errors';
import { validatePolicy } from './statement';

const errorsOf = (input: unknown) => {
  try {
    validatePolicy(input);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'policy/invalid', status: 400 });
    return (error as DomainError).errors;
  }
  throw new Error('expected the policy to be rejected');
};

describe('validatePolicy', () => {
  it('returns valid statements with only the known fields', () => {
    const input = [
      { effect: 'allow', actions: ['updateOn', 'update*'], resources: ['proj/*:env/*:flag/*'] },
      { effect: 'deny', notActions: ['*'], notResources: ['member/*', 'proj/*;beta'] },
    ];
    expect(validatePolicy(input)).toEqual([
      { effect: 'allow', actions: ['updateOn', 'update*'], resources: ['proj/*:env/*:flag/*'] },
      { effect: 'deny', notActions: ['*'], notResources: ['member/*', 'proj/*;beta'] },
    ]);
  });

  it('accepts an empty policy (it grants nothing)', () => {
    expect(validatePolicy([])).toEqual([]);
  });

  it('rejects a non-array and more than 100 statements', () => {
    expect(errorsOf({ effect: 'allow' })).toEqual([{ reason: 'a policy must be an array of statements' }]);
    const statement = { effect: 'allow', actions: ['*'], resources: ['proj/*'] };
    expect(validatePolicy(Array(100).fill(statement))).toHaveLength(100);
    expect(errorsOf(Array(101).fill(statement))).toEqual([{ reason: 'a policy may have at most 100 statements' }]);
  });

  it('reports each problem with its statement index and field', () => {
    const errors = errorsOf([
      { effect: 'allow', actions: ['*'], resources: ['proj/*'] },
      'not a statement',
      { effect: 'permit', actions: ['*'], resources: ['proj/*'], extra: 1 },
      { effect: 'allow', actions: ['*'], notActions: ['updateOn'], resources: ['proj/*'] },
      { effect: 'deny', resources: ['proj/*'] },
      { effect: 'allow', actions: ['*'] },
      { effect: 'allow', actions: [], resources: ['proj/*'] },
      { effect: 'allow', actions: ['updateOn', 'fly', 'zzz*', 7], resources: ['proj/*', 'proj/*:flag/*'] },
      { effect: 'allow', actions: ['*'], resources: 'proj/*' },
    ]);
    expect(errors).toEqual([
      { index: 1, reason: 'a statement must be an object' },
      { index: 2, field: 'extra', reason: 'unknown property' },
      { index: 2, field: 'effect', reason: "effect must be 'allow' or 'deny'" },
      { index: 3, field: 'notActions', reason: 'give either actions or notActions, not both' },
      { index: 4, field: 'actions', reason: 'one of actions or notActions is required' },
      { index: 5, field: 'resources', reason: 'one of resources or notResources is required' },
      { index: 6, field: 'actions', reason: 'actions must be a non-empty array of at most 100 strings' },
      { index: 7, field: 'actions[1]', reason: "unknown action 'fly'" },
      { index: 7, field: 'actions[2]', reason: "'zzz*' matches no known action" },
      { index: 7, field: 'actions[3]', reason: 'an action must be a name or a * glob' },
      { index: 7, field: 'resources[1]', reason: "'proj > flag' is not a resource path" },
      { index: 8, field: 'resources', reason: 'resources must be a non-empty array of at most 100 strings' },
    ]);
  });

  it('validates notResources entries as specifiers', () => {
    expect(errorsOf([{ effect: 'deny', actions: ['*'], notResources: ['proj/*;{critical:true}'] }])).toEqual([
      { index: 0, field: 'notResources[0]', reason: "proj resources have no attribute 'critical'" },
    ]);
  });
});
