import { attributeReferenceProblem } from './attribute-reference';

describe('attributeReferenceProblem', () => {
  it.each([
    ['email', false],
    ['/email', false],
    ['a/b', false],
    ['_meta', false],
    ['email', true],
    ['/address/city', true],
    ['/a~1b', true],
    ['/a~0b', true],
    ['attr/a', true],
  ])('accepts %s (contextKind set: %s)', (reference, hasKind) => {
    expect(attributeReferenceProblem(reference, hasKind)).toBeUndefined();
  });

  it.each([
    ['', false, 'must not be empty'],
    ['', true, 'must not be empty'],
    ['/', true, "'/' is not a valid attribute reference"],
    ['/a//b', true, "'/a//b' has an empty path component"],
    ['/a/', true, "'/a/' has an empty path component"],
    ['/a~2', true, "'/a~2' has '~' not followed by 0 or 1"],
    ['/a~', true, "'/a~' has '~' not followed by 0 or 1"],
    ['/_meta/x', true, "'_meta' cannot be referenced"],
    ['_meta', true, "'_meta' cannot be referenced"],
  ])('refuses %j (contextKind set: %s)', (reference, hasKind, reason) => {
    expect(attributeReferenceProblem(reference, hasKind)).toBe(reason);
  });
});
