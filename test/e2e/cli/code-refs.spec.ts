/**
 * Code references end to end: `gantry code-refs scan` on the fixture tree under
 * test/support/fixtures/code-refs-tree (a root .gitignore hiding a file, a directory and *.log; a
 * nested .gitignore hiding a generated file and re-including keep.log; a binary file), then the API
 * lists exactly the references written by hand below. And the report endpoint's bad inputs.
 */
import path from 'node:path';
import { startGantry, type Gantry } from '../../support/app-harness';
import { cliEnv, runCli } from '../../support/cli';
import { factory } from '../../support/factories';
import { memberWithToken, serviceTokenWithClient } from '../../support/governance';

const TREE = path.join(__dirname, '..', '..', 'support', 'fixtures', 'code-refs-tree');
const P = 'shop';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

let g: Gantry;

beforeAll(async () => {
  g = await startGantry();
  const owner = g.client(g.ownerToken);
  await factory.project(owner, { key: P, environments: ['production'] });
  for (const key of ['new-checkout', 'dark-mode', 'summer-banner', 'unused']) await factory.flag(owner, P, { key });
});
afterAll(() => g?.stop());

const scanArgs = (...extra: string[]) => [
  'code-refs',
  'scan',
  '--dir',
  TREE,
  '--project',
  P,
  '--repository',
  'acme/shop',
  '--branch',
  'main',
  '--commit',
  COMMIT,
  ...extra,
];

const refsOf = async (flagKey: string) =>
  (
    await g.raw<{ items: { repository: string; branch: string; commit: string; path: string; line: number }[] }>(
      'GET',
      `/api/v1/projects/${P}/flags/${flagKey}/code-references`,
      { token: g.ownerToken },
    )
  ).body.items.map((r) => `${r.repository}@${r.branch}:${r.path}:${r.line}`);

describe('gantry code-refs scan', () => {
  it('--dry-run finds the quoted keys outside ignored files, skips the binary file and reports nothing', async () => {
    const run = await runCli(['--json', ...scanArgs('--dry-run')], { env: cliEnv(g) });
    expect(run.code).toBe(0);
    const doc = run.json();
    expect(doc).toMatchObject({ dryRun: true, filesScanned: 6, skipped: { binary: 1, tooLarge: 0 }, report: null });
    expect(doc.references).toEqual([
      {
        flagKey: 'new-checkout',
        path: 'src/checkout.ts',
        line: 4,
        context: "if (client.variation('new-checkout', ctx, false)) return 'new';",
      },
      {
        flagKey: 'dark-mode',
        path: 'src/checkout.ts',
        line: 5,
        context: `const theme = client.variation("dark-mode", ctx, false) ? 'dark' : 'light';`,
      },
      {
        flagKey: 'summer-banner',
        path: 'src/nested/deep/banner.tsx',
        line: 1,
        context: 'export const Banner = () => (flags.isOn(`summer-banner`) ? <Summer /> : null);',
      },
      {
        flagKey: 'summer-banner',
        path: 'src/nested/keep.log',
        line: 1,
        context: "kept despite *.log: 'summer-banner'",
      },
    ]);
    expect(await refsOf('new-checkout')).toEqual([]);
  });

  it('reports the references with a custom pattern; the API then lists exactly them per flag', async () => {
    const run = await runCli(scanArgs('--pattern', 'FLAG\\(([a-z-]+)\\)'), { env: cliEnv(g) });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('6 references to 3 flags in 6 files (1 binary or large files skipped)');
    expect(run.stdout).toContain(`reported for acme/shop@main (${COMMIT}): 6 stored, 0 replaced`);
    expect(await refsOf('new-checkout')).toEqual(['acme/shop@main:src/checkout.ts:4']);
    expect(await refsOf('dark-mode')).toEqual([
      'acme/shop@main:src/checkout.ts:5',
      'acme/shop@main:src/nested/deep/banner.tsx:2',
      'acme/shop@main:src/nested/deep/banner.tsx:3',
    ]);
    expect(await refsOf('summer-banner')).toEqual([
      'acme/shop@main:src/nested/deep/banner.tsx:1',
      'acme/shop@main:src/nested/keep.log:1',
    ]);
    expect(await refsOf('unused')).toEqual([]);

    // Scanning again replaces the branch's set (without the custom pattern: 4 now).
    const again = await runCli(['--json', ...scanArgs()], { env: cliEnv(g) });
    expect(again.json().report).toEqual({
      repository: 'acme/shop',
      branch: 'main',
      commit: COMMIT,
      stored: 4,
      replaced: 6,
      unknownFlagKeys: [],
    });
    expect(await refsOf('dark-mode')).toEqual(['acme/shop@main:src/checkout.ts:5']);

    // The lifecycle report counts them.
    const report = await g.raw<{ items: { flagKey: string; codeReferenceCount: number }[] }>(
      'GET',
      `/api/v1/projects/${P}/lifecycle/report`,
      { token: g.ownerToken },
    );
    expect(Object.fromEntries(report.body.items.map((i) => [i.flagKey, i.codeReferenceCount]))).toEqual({
      'dark-mode': 1,
      'new-checkout': 1,
      'summer-banner': 2,
      unused: 0,
    });
  });

  it('fails with exit code 1 on bad usage: a missing option, a bad pattern, an unknown project', async () => {
    const missing = await runCli(['code-refs', 'scan', '--project', P], { env: cliEnv(g) });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--repository is required');
    const badPattern = await runCli(scanArgs('--pattern', '(unclosed'), { env: cliEnv(g) });
    expect(badPattern.code).toBe(1);
    expect(badPattern.stderr).toContain("--pattern '(unclosed' is not a regular expression");
    const unknown = await runCli(
      [
        '--json',
        'code-refs',
        'scan',
        '--dir',
        TREE,
        '--project',
        'nope',
        '--repository',
        'r',
        '--branch',
        'b',
        '--commit',
        'abcd',
      ],
      {
        env: cliEnv(g),
      },
    );
    expect(unknown.code).toBe(1);
    expect(unknown.json()).toMatchObject({ error: { code: 'project/not_found' } });
  });
});

describe('POST code-references: bad input', () => {
  const post = (body: unknown, token = g.ownerToken) =>
    g.raw<{ code: string; errors?: unknown[] }>('POST', `/api/v1/projects/${P}/code-references`, { token, body });

  it('refuses an invalid report with code_reference/invalid and every problem, storing nothing', async () => {
    const before = await refsOf('new-checkout');
    const bad = await post({
      repository: 'acme/shop',
      branch: 'main',
      commit: 'zzz',
      references: [
        { flagKey: 'new-checkout', path: '../etc/passwd', line: 1 },
        { flagKey: 'new-checkout', path: 'ok.ts', line: 0 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      code: 'code_reference/invalid',
      errors: [
        { field: 'commit', reason: 'must be a commit id: 4 to 64 hexadecimal characters' },
        {
          index: 0,
          field: 'references.path',
          reason: 'must be a relative path (no leading / and no ..) of at most 1024 characters',
        },
        { index: 1, field: 'references.line', reason: 'must be a line number from 1 to 10000000' },
      ],
    });
    expect(await refsOf('new-checkout')).toEqual(before);
    const noRefs = await post({ repository: 'acme/shop', branch: 'main', commit: 'abcd' });
    expect([noRefs.status, noRefs.body.code]).toEqual([400, 'code_reference/invalid']);
    const extra = await post({ repository: 'a', branch: 'b', commit: 'abcd', references: [], colour: 'red' });
    expect([extra.status, extra.body.code]).toEqual([400, 'request/invalid']);
  });

  it('refuses more than 10,000 references with 422 code_reference/too_many', async () => {
    const references = Array.from({ length: 10_001 }, (_, i) => ({ flagKey: 'unused', path: 'a.ts', line: i + 1 }));
    const many = await post({ repository: 'acme/big', branch: 'main', commit: 'abcd', references });
    expect([many.status, many.body.code]).toEqual([422, 'code_reference/too_many']);
  });

  it('skips keys that are no flag of the project, and says which', async () => {
    const res = await post({
      repository: 'acme/other',
      branch: 'dev',
      commit: 'ABCDEF',
      references: [
        { flagKey: 'unused', path: 'x.ts', line: 7, context: "isOn('unused')" },
        { flagKey: 'ghost', path: 'x.ts', line: 8 },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      repository: 'acme/other',
      branch: 'dev',
      commit: 'abcdef',
      stored: 1,
      replaced: 0,
      unknownFlagKeys: ['ghost'],
    });
    expect(await refsOf('unused')).toEqual(['acme/other@dev:x.ts:7']);
  });

  it('needs reportCodeReferences to report (a writer service token, as CI uses; a reader may only read) and a token at all', async () => {
    const ci = await serviceTokenWithClient(g, g.client(g.ownerToken), 'writer');
    const reported = await post({ repository: 'acme/ci', branch: 'main', commit: 'abcd', references: [] }, ci.token);
    expect([reported.status, reported.body]).toEqual([
      200,
      { repository: 'acme/ci', branch: 'main', commit: 'abcd', stored: 0, replaced: 0, unknownFlagKeys: [] },
    ]);
    const reader = await memberWithToken(g, g.client(g.ownerToken), 'reader');
    const refused = await post({ repository: 'a', branch: 'b', commit: 'abcd', references: [] }, reader.token);
    expect([refused.status, refused.body.code]).toEqual([403, 'auth/forbidden']);
    const read = await g.raw('GET', `/api/v1/projects/${P}/flags/unused/code-references`, { token: reader.token });
    expect(read.status).toBe(200);
    const anonymous = await g.raw('POST', `/api/v1/projects/${P}/code-references`, { body: {} });
    expect(anonymous.status).toBe(401);
    const missingFlag = await g.raw<{ code: string }>('GET', `/api/v1/projects/${P}/flags/ghost/code-references`, {
      token: g.ownerToken,
    });
    expect([missingFlag.status, missingFlag.body.code]).toEqual([404, 'flag/not_found']);
  });

  it('a token allowed only reportCodeReferences reports, and cannot change the project', async () => {
    const narrow = await factory.token(g.client(g.ownerToken), {
      inlinePolicy: [{ effect: 'allow', actions: ['viewProject', 'reportCodeReferences'], resources: [`proj/${P}`] }],
    });
    const reported = await post(
      { repository: 'acme/narrow', branch: 'main', commit: 'abcd', references: [] },
      narrow.token,
    );
    expect(reported.status).toBe(200);
    const rename = await g.raw<{ code: string }>('PATCH', `/api/v1/projects/${P}`, {
      token: narrow.token,
      body: { name: 'renamed by CI' },
    });
    expect([rename.status, rename.body.code]).toEqual([403, 'auth/forbidden']);
  });
});
