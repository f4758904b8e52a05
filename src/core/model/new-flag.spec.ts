import { DomainError } from '../errors';
import { buildFlagDefinition, initialEnvironmentConfig } from './new-flag';

let n = 0;
const newId = () => `id${++n}`;

describe('buildFlagDefinition', () => {
  beforeEach(() => {
    n = 0;
  });

  it('defaults to a boolean flag serving true when on and false when off', () => {
    const def = buildFlagDefinition({ key: 'f', name: 'F' }, newId);
    expect(def.kind).toBe('boolean');
    expect(def.variations).toEqual([
      { _id: 'id1', value: true },
      { _id: 'id2', value: false },
    ]);
    expect(def.defaults).toEqual({ onVariation: 0, offVariation: 1 });
    expect(initialEnvironmentConfig(def, 's')).toMatchObject({
      on: false,
      offVariation: 1,
      fallthrough: { variation: 0 },
      version: 1,
      salt: 's',
    });
  });

  it('builds a multivariate flag with the given defaults', () => {
    const def = buildFlagDefinition(
      {
        key: 'f',
        name: 'F',
        variations: [{ value: 'a' }, { value: 'b', name: 'B' }, { value: 'c' }],
        defaults: { onVariation: 1, offVariation: 2 },
      },
      newId,
    );
    expect(def.kind).toBe('multivariate');
    expect(def.variations[1]).toEqual({ _id: 'id2', value: 'b', name: 'B' });
    expect(def.defaults).toEqual({ onVariation: 1, offVariation: 2 });
  });

  it.each([
    [[{ value: 'a' }], 'between 2 and 100'],
    [[{ value: 'a' }, { value: 1 }], 'one JSON type'],
    [[{ value: 'a' }, { value: 'a' }], 'duplicate variation value'],
    [[{ value: null }, { value: 'a' }], 'cannot be null'],
  ])('rejects variations %j', (variations, reason) => {
    expect(() => buildFlagDefinition({ key: 'f', name: 'F', variations }, newId)).toThrow(reason);
  });

  it('rejects defaults outside the variations with the field named', () => {
    try {
      buildFlagDefinition({ key: 'f', name: 'F', defaults: { onVariation: 0, offVariation: 2 } }, newId);
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('flag/invalid');
      expect((e as DomainError).errors).toEqual([
        { field: 'defaults.offVariation', reason: 'must be a variation index between 0 and 1' },
      ]);
    }
  });
});
