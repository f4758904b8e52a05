import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves undefined members out', () => {
    const value = { b: 1, a: [{ d: undefined, c: 'x', 'é"': true }, null, [], {}], e: undefined, Z: -0.5 };
    expect(canonicalJson(value)).toBe('{"Z":-0.5,"a":[{"c":"x","é\\"":true},null,[],{}],"b":1}');
  });

  it('writes dates as ISO strings, undefined as null, and strings escaped', () => {
    expect(canonicalJson([new Date(0), undefined, 'a\nb'])).toBe('["1970-01-01T00:00:00.000Z",null,"a\\nb"]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ only: undefined })).toBe('{}');
  });
});
