import { applyFlagInstructions } from '../patch';
import { makeCtx, makeState, thrown } from '../../../test/support/fixtures/patch';
import { flagKeysForService, linksToService, servicesOf } from './service-links';

const flag = (key: string, tags: string[], services?: string[], archived = false) => ({
  key,
  tags,
  archived,
  ...(services ? { services } : {}),
});

describe('linking flags to services', () => {
  it('links by the explicit list and by a service.<name> tag, by exact name', () => {
    expect(linksToService(flag('a', [], ['checkout']), 'checkout')).toBe(true);
    expect(linksToService(flag('b', ['service.checkout']), 'checkout')).toBe(true);
    expect(linksToService(flag('c', ['checkout', 'services.checkout', 'service-checkout']), 'checkout')).toBe(false);
    expect(linksToService(flag('d', ['service.checkout-api']), 'checkout')).toBe(false);
    expect(linksToService(flag('e', [], ['Checkout']), 'checkout')).toBe(false);
    expect(linksToService(flag('f', ['service.payments'], ['search']), 'checkout')).toBe(false);
  });

  it('deploys concern the live flags linked either way, sorted, archived flags left out', () => {
    const flags = [
      flag('zeta', ['service.checkout']),
      flag('alpha', [], ['search', 'checkout']),
      flag('old', ['service.checkout'], ['checkout'], true),
      flag('other', ['service.search']),
      flag('plain', ['team-pay']),
    ];
    expect(flagKeysForService(flags, 'checkout')).toEqual(['alpha', 'zeta']);
    expect(flagKeysForService(flags, 'search')).toEqual(['alpha', 'other']);
    expect(flagKeysForService(flags, 'nobody')).toEqual([]);
  });

  it("a flag's services are both sources together, each once", () => {
    expect(servicesOf(flag('a', ['service.web', 'team-x', 'service.api'], ['api', 'worker']))).toEqual([
      'api',
      'web',
      'worker',
    ]);
    expect(servicesOf(flag('b', ['service.'], undefined))).toEqual([]);
  });
});

describe('the setServices instruction', () => {
  const apply = (instructions: unknown[], state = makeState()) => applyFlagInstructions(state, instructions, makeCtx());

  it('replaces the list (a set: deduplicated, sorted) and [] removes it', () => {
    const set = apply([{ kind: 'setServices', values: ['web', 'api', 'web'] }]);
    expect(set.flag.services).toEqual(['api', 'web']);
    expect(set.flagChanged).toBe(true);
    const replaced = apply([{ kind: 'setServices', values: ['worker'] }], { ...makeState(), flag: set.flag });
    expect(replaced.flag.services).toEqual(['worker']);
    const cleared = apply([{ kind: 'setServices', values: [] }], { ...makeState(), flag: replaced.flag });
    expect('services' in cleared.flag).toBe(false);
  });

  it('refuses names that are not service names', () => {
    for (const bad of [['has space'], ['-leading'], ['a'.repeat(65)], ['svc:x'], [42], 'api'])
      expect(thrown(() => apply([{ kind: 'setServices', values: bad }])).code).toBe('patch/invalid_instruction');
    expect(thrown(() => apply([{ kind: 'setServices' }])).code).toBe('patch/invalid_instruction');
  });
});
