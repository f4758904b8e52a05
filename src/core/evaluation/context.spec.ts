import { parseAttrRef } from './attribute-reference';
import { parseContext, type EvalContext } from './context';

const ok = (input: unknown): EvalContext => {
  const r = parseContext(input);
  if (!r.ok) throw new Error(`rejected: ${r.error}`);
  return r.context as EvalContext;
};
const rejected = (input: unknown) => parseContext(input).ok === false;
const attr = (c: EvalContext, name: string, kind = 'user') => c.valueOf(kind, parseAttrRef(name, true));

describe('parseContext: single-kind', () => {
  it('accepts a valid kind and key', () => {
    const c = ok({ kind: 'org', key: 'o1', name: 'Acme' });
    expect(c.kinds).toEqual(['org']);
    expect(c.keyFor('org')).toBe('o1');
    expect(c.keyFor('user')).toBeUndefined();
    expect(attr(c, 'name', 'org')).toBe('Acme');
  });

  it.each([
    ['kind "kind"', { kind: 'kind', key: 'k' }],
    ['kind with a space', { kind: 'bad kind', key: 'k' }],
    ['empty kind', { kind: '', key: 'k' }],
    ['non-string kind', { kind: 5, key: 'k' }],
    ['empty key', { kind: 'user', key: '' }],
    ['numeric key', { kind: 'user', key: 5 }],
    ['missing key', { kind: 'user' }],
  ])('rejects %s', (_name, input) => {
    expect(rejected(input)).toBe(true);
  });

  it('rejects nothing and non-objects', () => {
    for (const input of [null, undefined, 0, '', 'user', 42, true]) expect(rejected(input)).toBe(true);
  });

  it('builds canonical keys like the SDK', () => {
    expect(ok({ kind: 'user', key: 'a:b' }).canonicalKey).toBe('a:b');
    expect(ok({ kind: 'org', key: 'a:b%c' }).canonicalKey).toBe('org:a%3Ab%25c');
    expect(ok({ kind: 'multi', user: { key: 'u' }, org: { key: 'o:1' } }).canonicalKey).toBe('org:o%3A1:user:u');
  });
});

describe('parseContext: multi-kind', () => {
  it('exposes every kind', () => {
    const c = ok({ kind: 'multi', user: { key: 'u', a: 1 }, org: { key: 'o', a: 2 } });
    expect([...c.kinds].sort()).toEqual(['org', 'user']);
    expect(attr(c, 'a', 'user')).toBe(1);
    expect(attr(c, 'a', 'org')).toBe(2);
    expect(c.keyFor('device')).toBeUndefined();
    expect(c.keyFor('kind')).toBeUndefined();
  });

  it('treats a multi context with one kind as single-kind', () => {
    const c = ok({ kind: 'multi', org: { key: 'o' } });
    expect(c.kinds).toEqual(['org']);
    expect(c.canonicalKey).toBe('org:o');
  });

  it.each([
    ['no kinds', { kind: 'multi' }],
    ['an invalid kind', { kind: 'multi', 'bad kind': { key: 'k' } }],
    ['a nested multi kind', { kind: 'multi', multi: { key: 'k' }, user: { key: 'u' } }],
    ['a non-object part', { kind: 'multi', user: 'u' }],
    ['an empty key', { kind: 'multi', user: { key: 'u' }, org: { key: '' } }],
  ])('rejects %s', (_name, input) => {
    expect(rejected(input)).toBe(true);
  });
});

describe('parseContext: legacy user (no kind)', () => {
  it('converts to kind user, moving custom attributes to the top level', () => {
    const c = ok({ key: 'u1', name: 'Ann', custom: { plan: 'pro', name: 'ignored' }, privateAttributeNames: ['plan'] });
    expect(c.kinds).toEqual(['user']);
    expect(attr(c, 'plan')).toBe('pro');
    expect(attr(c, 'name')).toBe('Ann'); // built-ins win over custom
    expect(attr(c, 'key')).toBe('u1');
    expect(attr(c, 'kind')).toEqual(['user']);
  });

  it('stringifies the key and accepts an empty one', () => {
    expect(ok({ key: 42 }).keyFor('user')).toBe('42');
    expect(ok({ key: '' }).keyFor('user')).toBe('');
    expect(ok({ key: 'k', kind: null }).kinds).toEqual(['user']);
    expect(rejected({ name: 'no key' })).toBe(true);
    expect(rejected({ key: null })).toBe(true);
  });

  it('copies only non-null built-ins and drops secondary and other top-level fields', () => {
    const c = ok({ key: 'k', email: null, country: 'fr', ip: '1.2.3.4', secondary: 's', other: 'x', anonymous: 1 });
    expect(attr(c, 'email')).toBeUndefined();
    expect(attr(c, 'country')).toBe('fr');
    expect(attr(c, 'ip')).toBe('1.2.3.4');
    expect(attr(c, 'secondary')).toBeUndefined();
    expect(attr(c, 'other')).toBeUndefined();
    expect(attr(c, 'anonymous')).toBe(true);
  });

  it('keeps a custom anonymous when the built-in is absent', () => {
    expect(attr(ok({ key: 'k', custom: { anonymous: true } }), 'anonymous')).toBe(true);
  });
});
