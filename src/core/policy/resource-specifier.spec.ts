import { DomainError } from '../errors';
import { parseResourceSpecifier, tryParseResourceSpecifier } from './resource-specifier';

const reasonFor = (text: unknown): string => {
  const result = tryParseResourceSpecifier(text);
  if (result.ok) throw new Error(`expected '${String(text)}' to be rejected`);
  return result.reason;
};

describe('parseResourceSpecifier', () => {
  it('parses a flag specifier with globs', () => {
    expect(parseResourceSpecifier('proj/*:env/production:flag/*')).toEqual({
      source: 'proj/*:env/production:flag/*',
      path: 'proj:env:flag',
      segments: [
        { type: 'proj', name: '*' },
        { type: 'env', name: 'production' },
        { type: 'flag', name: '*' },
      ],
    });
  });

  it('parses tag lists and attribute objects', () => {
    expect(parseResourceSpecifier('proj/mobile;tag1,tag2:env/*;{critical:true}:flag/checkout-*;beta').segments).toEqual(
      [
        { type: 'proj', name: 'mobile', tags: ['tag1', 'tag2'] },
        { type: 'env', name: '*', attributes: { critical: true } },
        { type: 'flag', name: 'checkout-*', tags: ['beta'] },
      ],
    );
  });

  it('parses account-level specifiers', () => {
    expect(parseResourceSpecifier('member/*').path).toBe('member');
    expect(parseResourceSpecifier('member/*:token/*').path).toBe('member:token');
    expect(parseResourceSpecifier('role/*').path).toBe('role');
    expect(parseResourceSpecifier('team/platform').path).toBe('team');
    expect(parseResourceSpecifier('service-token/*').path).toBe('service-token');
    expect(parseResourceSpecifier('webhook/*').path).toBe('webhook');
    expect(parseResourceSpecifier('audit/*').path).toBe('audit');
    expect(parseResourceSpecifier('proj/*:env/*:segment/beta-users').path).toBe('proj:env:segment');
  });

  it('accepts {critical:false} and tag globs', () => {
    expect(parseResourceSpecifier('proj/*:env/*;{critical:false}').segments[1]).toEqual({
      type: 'env',
      name: '*',
      attributes: { critical: false },
    });
    expect(parseResourceSpecifier('proj/*:env/*;qa_*').segments[1]).toEqual({ type: 'env', name: '*', tags: ['qa_*'] });
  });

  it.each([
    ['', 'a resource specifier must be a non-empty string'],
    ['proj', "'proj' must be written type/name"],
    ['proj/', "invalid name '' for proj"],
    ['project/*', "unknown resource type 'project'"],
    ['proj/a b', "invalid name 'a b' for proj"],
    ['proj/-x', "invalid name '-x' for proj"],
    ['proj/*::env/*', 'empty segment'],
    ['proj/*:', 'empty segment'],
    ['proj/*:flag/*', "'proj > flag' is not a resource path"],
    ['env/*', "'env' is not a resource path"],
    ['proj/*:env/*:flag/*:segment/*', "'proj > env > flag > segment' is not a resource path"],
    ['proj/*;', "empty modifier after 'proj/*;'"],
    ['proj/*;a;b', "only one modifier is allowed on 'proj/*'"],
    ['proj/*;a,,b', "invalid tag ''"],
    ['proj/*;a b', "invalid tag 'a b'"],
    ['member/*;admins', 'member resources have no tags'],
    ['proj/*:env/*;{critical:true', "unclosed '{'"],
    ['proj/*:env/*;critical:true}', "unbalanced '}'"],
    ['proj/*:env/*;{{critical:true}}', 'nested braces'],
    ['proj/*:env/*;{critical}', "attribute 'critical' must be written key:value"],
    ['proj/*:env/*;{}', "attribute '' must be written key:value"],
    ['proj/*:env/*;{critcal:true}', "env resources have no attribute 'critcal'"],
    ['proj/*:env/*;{critical:yes}', "attribute 'critical' must be a boolean"],
    ['proj/*:env/*;{critical:true,critical:false}', "attribute 'critical' is given twice"],
    ['proj/*:env/*;{critical:tr ue}', "invalid attribute value 'tr ue'"],
    ['proj/*;{critical:true}', "proj resources have no attribute 'critical'"],
    ['proj/*:env/*;{critical:true}x', "unexpected text after '}' in '{critical:true}x'"],
  ])('rejects %j', (text, reason) => {
    expect(reasonFor(text)).toBe(reason);
  });

  it('rejects non-strings and overlong specifiers', () => {
    expect(reasonFor(42)).toBe('a resource specifier must be a non-empty string');
    expect(reasonFor(`proj/${'a'.repeat(1100)}`)).toBe('longer than 1024 characters');
  });

  it('throws policy/invalid_specifier with the reason', () => {
    let caught: unknown;
    try {
      parseResourceSpecifier('proj/*:flag/*');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({
      code: 'policy/invalid_specifier',
      status: 400,
      errors: [{ field: 'resource', reason: "'proj > flag' is not a resource path" }],
    });
  });
});
