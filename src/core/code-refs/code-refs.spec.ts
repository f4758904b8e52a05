import { isIgnored, parseGitignore, type IgnoreRule } from './gitignore';
import { compilePattern, findReferences, looksBinary } from './scan-text';

describe('gitignore subset', () => {
  const ignored = (rules: IgnoreRule[], path: string, dir = false) => isIgnored(rules, path, dir);

  it('a bare name matches at any depth; comments and blank lines are skipped', () => {
    const r = parseGitignore('# comment\n\nsecret.ts\n');
    expect(ignored(r, 'secret.ts')).toBe(true);
    expect(ignored(r, 'a/b/secret.ts')).toBe(true);
    expect(ignored(r, 'secret.tsx')).toBe(false);
    expect(ignored(r, '# comment')).toBe(false);
  });

  it('a slash at the start or in the middle anchors to the .gitignore directory', () => {
    const r = parseGitignore('/build\nsrc/gen.ts\n');
    expect(ignored(r, 'build', true)).toBe(true);
    expect(ignored(r, 'lib/build', true)).toBe(false);
    expect(ignored(r, 'src/gen.ts')).toBe(true);
    expect(ignored(r, 'x/src/gen.ts')).toBe(false);
  });

  it('a trailing slash matches directories only', () => {
    const r = parseGitignore('dist/\n');
    expect(ignored(r, 'dist', true)).toBe(true);
    expect(ignored(r, 'pkg/dist', true)).toBe(true);
    expect(ignored(r, 'dist', false)).toBe(false);
  });

  it('* stays within a path segment; ? is one character; classes work', () => {
    const r = parseGitignore('*.log\nsrc/*.tmp\nfile?.txt\n[ab].md\n');
    expect(ignored(r, 'deep/x.log')).toBe(true);
    expect(ignored(r, 'src/a.tmp')).toBe(true);
    expect(ignored(r, 'src/sub/a.tmp')).toBe(false);
    expect(ignored(r, 'file1.txt')).toBe(true);
    expect(ignored(r, 'file12.txt')).toBe(false);
    expect(ignored(r, 'a.md')).toBe(true);
    expect(ignored(r, 'c.md')).toBe(false);
  });

  it('** matches any number of directories', () => {
    const r = parseGitignore('**/fixtures\nlogs/**\na/**/z.ts\n');
    expect(ignored(r, 'fixtures', true)).toBe(true);
    expect(ignored(r, 'x/y/fixtures', true)).toBe(true);
    expect(ignored(r, 'logs/a/b.txt')).toBe(true);
    expect(ignored(r, 'logs', true)).toBe(false);
    expect(ignored(r, 'a/z.ts')).toBe(true);
    expect(ignored(r, 'a/b/c/z.ts')).toBe(true);
    expect(ignored(r, 'b/z.ts')).toBe(false);
  });

  it('negation re-includes; the last matching rule wins', () => {
    const r = parseGitignore('*.ts\n!keep.ts\n');
    expect(ignored(r, 'drop.ts')).toBe(true);
    expect(ignored(r, 'src/keep.ts')).toBe(false);
    const again = parseGitignore('*.ts\n!keep.ts\nkeep.ts\n');
    expect(ignored(again, 'keep.ts')).toBe(true);
  });

  it('a nested .gitignore applies below its directory only, after its parents', () => {
    const rules = [...parseGitignore('*.gen.ts\n'), ...parseGitignore('!api.gen.ts\nlocal.ts\n', 'pkg')];
    expect(ignored(rules, 'pkg/api.gen.ts')).toBe(false);
    expect(ignored(rules, 'api.gen.ts')).toBe(true);
    expect(ignored(rules, 'pkg/local.ts')).toBe(true);
    expect(ignored(rules, 'local.ts')).toBe(false);
    expect(ignored(rules, 'pkgx/local.ts')).toBe(false);
  });

  it('escapes: \\# and \\! match names starting with those characters', () => {
    const r = parseGitignore('\\#notes\n\\!bang\n');
    expect(ignored(r, '#notes')).toBe(true);
    expect(ignored(r, '!bang')).toBe(true);
  });
});

describe('findReferences', () => {
  const keys = new Set(['new-checkout', 'dark.mode', 'beta']);

  it('finds single-, double- and back-quoted keys the project has, one per key per line', () => {
    const text = [
      "if (client.variation('new-checkout', ctx, false)) {",
      '  show("dark.mode", `beta`, "beta");',
      "  const other = 'not-a-flag';",
      '  // new-checkout unquoted is not a reference',
      '}',
    ].join('\n');
    expect(findReferences(text, keys)).toEqual([
      { flagKey: 'new-checkout', line: 1, context: "if (client.variation('new-checkout', ctx, false)) {" },
      { flagKey: 'dark.mode', line: 2, context: 'show("dark.mode", `beta`, "beta");' },
      { flagKey: 'beta', line: 2, context: 'show("dark.mode", `beta`, "beta");' },
    ]);
  });

  it('does not match mismatched quotes', () => {
    expect(findReferences(`x('beta")`, keys)).toEqual([]);
  });

  it('custom patterns: the first capture group is the key, else the whole match', () => {
    const text = 'FLAG_beta\nflags.isOn(:new-checkout)\n';
    expect(findReferences(text, keys, [compilePattern('isOn\\(:([a-z.-]+)\\)')])).toEqual([
      { flagKey: 'new-checkout', line: 2, context: 'flags.isOn(:new-checkout)' },
    ]);
    expect(findReferences(text, keys, [compilePattern('(?<=FLAG_)[a-z]+')]).map((r) => r.flagKey)).toEqual(['beta']);
  });

  it('cuts long context lines', () => {
    const line = `'beta' ${'x'.repeat(500)}`;
    expect(findReferences(line, keys)[0].context).toHaveLength(200);
  });

  it('looksBinary: a NUL byte in the head', () => {
    expect(looksBinary(new Uint8Array([104, 105, 0, 1]))).toBe(true);
    expect(looksBinary(new TextEncoder().encode('plain text'))).toBe(false);
  });
});
