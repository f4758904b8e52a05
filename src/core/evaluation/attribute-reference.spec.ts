import { parseAttrRef } from './attribute-reference';
import { parseContext } from './context';
import type { EvalContext } from './context';

const components = (text: string, literal = false) => {
  const ref = parseAttrRef(text, literal);
  return ref.valid ? ref.components : 'invalid';
};

describe('parseAttrRef', () => {
  it.each([
    ['name', ['name']],
    ['/name', ['name']],
    ['attr/a', ['attr/a']],
    ['/attr~1a', ['attr/a']],
    ['/attr~0a', ['attr~a']],
    ['attr~a', ['attr~a']],
    ['/a/b/c', ['a', 'b', 'c']],
    ['/a/2', ['a', '2']],
    ['/a/prop~1x', ['a', 'prop/x']],
    // js-sdk-common quirks kept on purpose
    ['/~1x', ['~1x']], // a component starting with ~ is not unescaped
    ['/a~|', ['a~|']], // `~|` passes the reference's [^0|^1] class
  ])('%s -> %j', (text, want) => {
    expect(components(text)).toEqual(want);
  });

  it.each(['', '/', '//', '///', '/a//b', 'a//b', '/a~b', '/a~', 'a~', '~', '/a~2', '_meta', '/_meta', '/_meta/x'])(
    '%j is invalid',
    (text) => {
      expect(parseAttrRef(text, false).valid).toBe(false);
    },
  );

  it('treats the whole string as one name when literal (no contextKind)', () => {
    expect(components('/attr/a', true)).toEqual(['/attr/a']);
    expect(components('a~', true)).toEqual(['a~']);
    expect(components('_meta', true)).toEqual(['_meta']);
    expect(parseAttrRef('', true).valid).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(parseAttrRef(5, false).valid).toBe(false);
    expect(parseAttrRef(undefined, true).valid).toBe(false);
  });

  it('flags the special attributes kind and anonymous', () => {
    expect(parseAttrRef('kind', true).isKind).toBe(true);
    expect(parseAttrRef('/kind', false).isKind).toBe(true);
    expect(parseAttrRef('/kind/x', false).isKind).toBe(false);
    expect(parseAttrRef('anonymous', false).isAnonymous).toBe(true);
  });
});

describe('context lookups through references', () => {
  const ctx = (input: unknown) => {
    const r = parseContext(input);
    if (!r.ok) throw new Error(r.error);
    return r.context as EvalContext;
  };
  const c = ctx({ kind: 'user', key: 'k', obj: { a: { b: 1 }, '2': 'two' }, arr: ['x', 'y'], nul: null });
  const get = (text: string, literal = false, kind = 'user') => c.valueOf(kind, parseAttrRef(text, literal));

  it('descends into objects only', () => {
    expect(get('/obj/a/b')).toBe(1);
    expect(get('/obj/2')).toBe('two');
    expect(get('/arr/0')).toBeUndefined();
    expect(get('/obj/a/b/c')).toBeUndefined();
    expect(get('/missing/x')).toBeUndefined();
    expect(get('nul')).toBeNull();
  });

  it('does not see prototype properties', () => {
    expect(get('constructor')).toBeUndefined();
    expect(get('/obj/toString')).toBeUndefined();
  });

  it('resolves kind to the kinds and anonymous to a boolean', () => {
    expect(get('kind')).toEqual(['user']);
    expect(get('kind', true, 'org')).toEqual(['user']); // even for a kind the context lacks, like the SDK
    expect(get('anonymous')).toBe(false);
    expect(get('anonymous', false, 'org')).toBeUndefined();
    expect(ctx({ kind: 'user', key: 'k', anonymous: true }).valueOf('user', parseAttrRef('anonymous', true))).toBe(
      true,
    );
  });

  it('never resolves an invalid reference', () => {
    expect(get('_meta')).toBeUndefined();
    expect(c.valueOf('user', parseAttrRef('//', false))).toBeUndefined();
  });
});
