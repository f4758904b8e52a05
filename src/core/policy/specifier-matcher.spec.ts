import { compileSpecifier, matchesSpecifier } from './specifier-matcher';
import type { ResourceRef } from './resource-ref';

const flag = (
  opts: {
    proj?: string;
    projTags?: string[];
    env?: string;
    critical?: boolean;
    flag?: string;
    flagTags?: string[];
  } = {},
): ResourceRef => [
  { type: 'proj', key: opts.proj ?? 'mobile', tags: opts.projTags ?? [] },
  { type: 'env', key: opts.env ?? 'production', tags: [], attributes: { critical: opts.critical ?? true } },
  { type: 'flag', key: opts.flag ?? 'checkout-v2', tags: opts.flagTags ?? [] },
];

describe('name globs', () => {
  it('matches `*` against any key', () => {
    expect(matchesSpecifier('proj/*:env/*:flag/*', flag())).toBe(true);
  });

  it('matches exact names only exactly', () => {
    expect(matchesSpecifier('proj/mobile:env/production:flag/checkout-v2', flag())).toBe(true);
    expect(matchesSpecifier('proj/mobile:env/production:flag/checkout', flag())).toBe(false);
    expect(matchesSpecifier('proj/mobile:env/Production:flag/*', flag())).toBe(false);
  });

  it('matches prefix, suffix and infix globs', () => {
    expect(matchesSpecifier('proj/*:env/*:flag/checkout-*', flag())).toBe(true);
    expect(matchesSpecifier('proj/*:env/*:flag/*-v2', flag())).toBe(true);
    expect(matchesSpecifier('proj/*:env/*:flag/check*v2', flag())).toBe(true);
    expect(matchesSpecifier('proj/*:env/*:flag/billing-*', flag())).toBe(false);
    expect(matchesSpecifier('proj/*:env/*:flag/checkout-*', flag({ flag: 'checkout-' }))).toBe(true);
  });

  it('treats `.` literally, not as a regex wildcard', () => {
    expect(matchesSpecifier('proj/*:env/*:flag/a.b', flag({ flag: 'a.b' }))).toBe(true);
    expect(matchesSpecifier('proj/*:env/*:flag/a.b', flag({ flag: 'axb' }))).toBe(false);
  });
});

describe('depth and type', () => {
  it('does not match a resource of another depth', () => {
    expect(matchesSpecifier('proj/*', flag())).toBe(false);
    expect(matchesSpecifier('proj/*:env/*', flag())).toBe(false);
    expect(matchesSpecifier('proj/*:env/*:flag/*', [{ type: 'proj', key: 'mobile' }])).toBe(false);
  });

  it('does not match a resource with another type at the same depth', () => {
    const segment: ResourceRef = [...flag().slice(0, 2), { type: 'segment', key: 'checkout-v2' }];
    expect(matchesSpecifier('proj/*:env/*:flag/*', segment)).toBe(false);
    expect(matchesSpecifier('member/*', [{ type: 'team', key: 'x' }])).toBe(false);
  });
});

describe('tag modifiers (LaunchDarkly: all listed tags)', () => {
  it('matches when the resource has the single tag', () => {
    expect(matchesSpecifier('proj/*:env/*:flag/*;beta', flag({ flagTags: ['beta', 'web'] }))).toBe(true);
    expect(matchesSpecifier('proj/*:env/*:flag/*;beta', flag({ flagTags: ['web'] }))).toBe(false);
    expect(matchesSpecifier('proj/*:env/*:flag/*;beta', flag())).toBe(false);
  });

  it('requires every tag of a comma list', () => {
    expect(matchesSpecifier('proj/*:env/*:flag/*;tag1,tag2', flag({ flagTags: ['tag1', 'tag2'] }))).toBe(true);
    expect(matchesSpecifier('proj/*:env/*:flag/*;tag1,tag2', flag({ flagTags: ['tag2', 'tag1', 'x'] }))).toBe(true);
    expect(matchesSpecifier('proj/*:env/*:flag/*;tag1,tag2', flag({ flagTags: ['tag1'] }))).toBe(false);
    expect(matchesSpecifier('proj/*:env/*:flag/*;tag1,tag2', flag({ flagTags: ['tag2'] }))).toBe(false);
  });

  it('compares tags case-insensitively and supports tag globs', () => {
    expect(matchesSpecifier('proj/*:env/*:flag/*;Beta', flag({ flagTags: ['beta'] }))).toBe(true);
    expect(matchesSpecifier('proj/*;qa_*:env/*:flag/*', flag({ projTags: ['qa_test'] }))).toBe(true);
    expect(matchesSpecifier('proj/*;qa_*:env/*:flag/*', flag({ projTags: ['prod'] }))).toBe(false);
  });

  it('applies tags on parent segments too', () => {
    const spec = 'proj/mobile;tag1:env/*;{critical:true}:flag/checkout-*;beta';
    expect(matchesSpecifier(spec, flag({ projTags: ['tag1'], flagTags: ['beta'] }))).toBe(true);
    expect(matchesSpecifier(spec, flag({ projTags: [], flagTags: ['beta'] }))).toBe(false);
    expect(matchesSpecifier(spec, flag({ projTags: ['tag1'], flagTags: ['beta'], critical: false }))).toBe(false);
  });
});

describe('attribute modifiers', () => {
  it('matches {critical:true} only on critical environments', () => {
    expect(matchesSpecifier('proj/*:env/*;{critical:true}:flag/*', flag({ critical: true }))).toBe(true);
    expect(matchesSpecifier('proj/*:env/*;{critical:true}:flag/*', flag({ critical: false }))).toBe(false);
    expect(matchesSpecifier('proj/*:env/*;{critical:false}', flag({ critical: false }).slice(0, 2))).toBe(true);
  });

  it('does not match when the attribute is missing', () => {
    const env: ResourceRef = [
      { type: 'proj', key: 'p' },
      { type: 'env', key: 'e' },
    ];
    expect(matchesSpecifier('proj/*:env/*;{critical:true}', env)).toBe(false);
    expect(matchesSpecifier('proj/*:env/*;{critical:false}', env)).toBe(false);
  });
});

describe('canonical strings and compiled matchers', () => {
  it('matches canonical strings from audit entries', () => {
    expect(matchesSpecifier('proj/mobile:env/*:flag/*', 'proj/mobile:env/staging:flag/f')).toBe(true);
    expect(matchesSpecifier('proj/web:env/*:flag/*', 'proj/mobile:env/staging:flag/f')).toBe(false);
    expect(matchesSpecifier('member/*:token/*', 'member/m1:token/t1')).toBe(true);
    // The string carries no tags, so a tag modifier cannot match it.
    expect(matchesSpecifier('proj/mobile;beta', 'proj/mobile')).toBe(false);
  });

  it('reuses one compiled matcher across resources', () => {
    const matcher = compileSpecifier('proj/mobile:env/*:flag/*');
    expect(matcher.path).toBe('proj:env:flag');
    expect(matcher.source).toBe('proj/mobile:env/*:flag/*');
    expect(matcher.matches(flag())).toBe(true);
    expect(matcher.matches(flag({ proj: 'web' }))).toBe(false);
  });
});
