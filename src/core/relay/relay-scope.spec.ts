import { parseRelayScope, scopeAllows } from './relay-scope';

describe('relay credential scope', () => {
  it('accepts named environments and a project-wide star', () => {
    const parsed = parseRelayScope([
      { project: 'shop', environments: ['production', 'staging'] },
      { project: 'ads', environments: ['*'] },
    ]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(scopeAllows(parsed.scope, 'shop', 'production')).toBe(true);
    expect(scopeAllows(parsed.scope, 'shop', 'test')).toBe(false);
    expect(scopeAllows(parsed.scope, 'ads', 'created-later')).toBe(true);
    expect(scopeAllows(parsed.scope, 'other', 'production')).toBe(false);
  });

  it('lists every problem of a bad scope', () => {
    const parsed = parseRelayScope([
      { project: 'bad key!', environments: [] },
      { project: 'shop', environments: ['*', 'production'], extra: 1 },
      { project: 'shop', environments: ['x'] },
      'nope',
    ]);
    expect(parsed).toEqual({
      ok: false,
      errors: [
        'scope[0].project must be a project key',
        'scope[0].environments must list 1 to 100 environment keys, or ["*"]',
        'scope[1].extra is not a scope field',
        'scope[1].environments: "*" already names every environment; list it alone',
        'scope[2].project shop is named twice',
        'scope[3] must be an object',
      ],
    });
    expect(parseRelayScope([]).ok).toBe(false);
    expect(parseRelayScope({ project: 'shop' }).ok).toBe(false);
  });
});
