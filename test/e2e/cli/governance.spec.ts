/**
 * Flag writes through the CLI meet governance as the API defines it: a gated environment refuses
 * with exit 3 (approval required, bypass reason required, active freeze), `--change-request` opens a
 * request instead (exit 2), break-glass writes with a reason; `cr show|approve|decline|apply` take a
 * request through review by a second member. And `flag patch` with instructions from a file or flags.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { cliEnv, runCli, tempConfigDir } from '../../support/cli';
import { factory, ok, type Flag } from '../../support/factories';
import { flagIn, memberWithToken } from '../../support/governance';

let gantry: Gantry;
let owner: ApiClient;
let projectKey: string;
let flag: Flag;
let alice: string;
let bob: string;

beforeAll(async () => {
  gantry = await startGantry();
  owner = gantry.client(gantry.ownerToken);
  projectKey = (
    await factory.project(owner, {
      environments: ['staging', 'qa', { key: 'production', name: 'Production', critical: true }],
    })
  ).key;
  flag = await factory.flag(owner, projectKey, { key: 'checkout' });
  [alice, bob] = (
    await Promise.all([memberWithToken(gantry, owner, 'writer'), memberWithToken(gantry, owner, 'writer')])
  ).map((m) => m.token);
});
afterAll(async () => {
  await gantry?.stop();
});

const as = (token: string) => ({ env: cliEnv(gantry, token) });
const on = async (env: string) => (await flagIn(owner, projectKey, 'checkout')).environments[env].on;

describe('gantry flag writes and change requests', () => {
  it('writes directly where no approval is needed, for people and as JSON', async () => {
    const human = await runCli(
      ['flag', 'on', 'checkout', '--project', projectKey, '--env', 'staging', '-m', 'try it'],
      as(alice),
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^✓ checkout updated in staging: on, serves true, version 2\n$/);
    expect(await on('staging')).toBe(true);

    const json = await runCli(['flag', 'off', 'checkout', '-p', projectKey, '-e', 'staging', '--json'], as(alice));
    expect(json.code).toBe(0);
    expect(json.json()).toMatchObject({
      outcome: 'applied',
      flag: { key: 'checkout', environments: { staging: { on: false, version: 3 } } },
    });

    const noEnv = await runCli(['flag', 'on', 'checkout', '-p', projectKey], as(alice));
    expect([noEnv.code, noEnv.stderr.split('\n')[0]]).toEqual([1, 'error: --env is required']);
    const noFlag = await runCli(['flag', 'on', '-p', projectKey, '-e', 'staging'], as(alice));
    expect(noFlag.stderr).toContain('missing <flag>');
  });

  it('exits 3 when a gated environment refuses, and writes break-glass with a reason', async () => {
    const refused = await runCli(['flag', 'on', 'checkout', '-p', projectKey, '-e', 'production'], as(alice));
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /^error: Approval required \(approval\/required\): environment 'production' requires/,
    );
    expect(refused.stderr).toContain('Re-run with --change-request');
    expect(refused.stdout).toBe('');
    const refusedJson = await runCli(
      ['flag', 'on', 'checkout', '-p', projectKey, '-e', 'production', '--json'],
      as(alice),
    );
    expect([refusedJson.code, refusedJson.json().error]).toEqual([
      3,
      expect.objectContaining({ status: 403, code: 'approval/required' }),
    ]);

    const ownerNoReason = await runCli(
      ['flag', 'on', 'checkout', '-p', projectKey, '-e', 'production', '--json'],
      as(gantry.ownerToken),
    );
    expect([ownerNoReason.code, ownerNoReason.json().error.code]).toEqual([3, 'approval/bypass_reason_required']);
    expect(await on('production')).toBe(false);

    const glass = await runCli(
      ['flag', 'on', 'checkout', '-p', projectKey, '-e', 'production', '--bypass-reason', 'incident 4711'],
      as(gantry.ownerToken),
    );
    expect(glass.code).toBe(0);
    expect(glass.stderr).toContain('break-glass: approval bypassed');
    expect(await on('production')).toBe(true);
    const audit = ok(
      await owner.GET('/api/v1/audit-log', {
        params: { query: { resource: `proj/${projectKey}:env/production:flag/checkout` } },
      }),
    );
    expect(audit.items[0].links).toMatchObject({
      approvalBypassed: [expect.objectContaining({ bypassReason: 'incident 4711', environment: 'production' })],
    });
    expect(
      (
        await runCli(
          ['flag', 'off', 'checkout', '-p', projectKey, '-e', 'production', '--bypass-reason', 'undo the drill'],
          as(gantry.ownerToken),
        )
      ).code,
    ).toBe(0);
  });

  it('opens a change request with --change-request (exit 2), reviewed by a second member and applied', async () => {
    const opened = await runCli(
      [
        'flag',
        'on',
        'checkout',
        '-p',
        projectKey,
        '-e',
        'production',
        '--change-request',
        '-m',
        'launch checkout',
        '--json',
      ],
      as(alice),
    );
    expect(opened.code).toBe(2);
    const { changeRequest, url, outcome } = opened.json();
    expect(outcome).toBe('changeRequestOpened');
    expect(changeRequest).toMatchObject({
      status: 'pending',
      approvalsRequired: 1,
      resourceKey: 'checkout',
      environmentKey: 'production',
      description: 'launch checkout',
      instructions: [{ kind: 'turnFlagOn' }],
    });
    expect(url).toBe(`${gantry.baseUrl}/api/v1/change-requests/${changeRequest.id}`);
    const id: string = changeRequest.id;

    const listed = await runCli(['cr', 'list', '-p', projectKey, '--json'], as(bob));
    expect(listed.json().items.map((r: { id: string }) => r.id)).toContain(id);
    const toReview = await runCli(['cr', 'list', '--to-review'], as(bob));
    expect(toReview.stdout).toMatch(
      new RegExp(`^${id}\\s+pending\\s+${projectKey}/production/flag:checkout\\s+0/1`, 'm'),
    );

    const shown = await runCli(['cr', 'show', id, '--context', '{"kind":"user","key":"u-1"}', '--json'], as(bob));
    expect(shown.code).toBe(0);
    expect(shown.json()).toMatchObject({
      changeRequest: { id, status: 'pending' },
      diff: { changes: [expect.objectContaining({ summary: 'turned the flag on' })] },
      impact: {
        changed: 1,
        contexts: { supplied: 1 },
        flags: [expect.objectContaining({ flagKey: 'checkout', changed: 1 })],
      },
    });
    const shownHuman = await runCli(
      ['cr', 'show', id, '--context', '{"kind":"user","key":"u-1"}', '--no-sample'],
      as(bob),
    );
    expect(shownHuman.stdout).toContain('Diff\n  turned the flag on\n');
    expect(shownHuman.stdout).toMatch(
      /Impact\n {2}1 of 1 context\(s\) change \(0 sampled, 1 given\)\n {2}checkout: false → true: 1 \(e\.g\. u-1\)/,
    );

    const self = await runCli(['cr', 'approve', id], as(alice));
    expect([self.code, self.stderr]).toEqual([
      1,
      expect.stringMatching(/^error: Cannot review own change request \(approval\/self_review\)/),
    ]);
    const early = await runCli(['cr', 'apply', id, '--json'], as(alice));
    expect([early.code, early.json().error.code]).toEqual([3, 'approval/insufficient_approvals']);

    const approved = await runCli(['cr', 'approve', id, '-m', 'looks good', '--json'], as(bob));
    expect(approved.code).toBe(0);
    expect(approved.json()).toMatchObject({ id, status: 'approved', approvals: { approvers: [expect.any(String)] } });

    const applied = await runCli(['cr', 'apply', id, '-m', 'go'], as(alice));
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`^✓ applied ${id}: flag checkout in production is at version \\d+`));
    expect(await on('production')).toBe(true);
    const again = await runCli(['cr', 'apply', id, '--json'], as(alice));
    expect(again.code).toBe(1);
    expect(again.json().error.code).toMatch(/^change_request\//);
  });

  it('a declined request cannot be applied (exit 3); an unknown one is an error (exit 1)', async () => {
    const opened = await runCli(
      ['flag', 'off', 'checkout', '-p', projectKey, '-e', 'production', '--change-request', '--json'],
      as(alice),
    );
    const id: string = opened.json().changeRequest.id;
    expect(opened.json().changeRequest.description).toBe('turnFlagOff via gantry CLI');
    const declined = await runCli(['cr', 'decline', id, '-m', 'not now', '--json'], as(bob));
    expect(declined.json()).toMatchObject({ id, status: 'declined' });
    const apply = await runCli(['cr', 'apply', id], as(alice));
    expect(apply.code).toBe(3);
    expect(apply.stderr).toContain('(approval/declined)');
    const unknown = await runCli(['cr', 'show', '00000000-0000-4000-8000-000000000000', '--json'], as(bob));
    expect([unknown.code, unknown.json().error.code]).toEqual([1, 'change_request/not_found']);
  });

  it('exits 3 while a change freeze is active, and does not open a change request for it', async () => {
    const now = Date.now();
    ok(
      await owner.POST('/api/v1/projects/{projectKey}/freezes', {
        params: { path: { projectKey } },
        body: {
          name: 'release weekend',
          environmentKeys: ['qa'],
          from: new Date(now - 60_000).toISOString(),
          to: new Date(now + 3_600_000).toISOString(),
        },
      }),
    );
    const frozen = await runCli(
      ['flag', 'on', 'checkout', '-p', projectKey, '-e', 'qa', '--change-request', '--json'],
      as(alice),
    );
    expect(frozen.code).toBe(3);
    expect(frozen.json().error).toMatchObject({
      status: 423,
      code: 'freeze/active',
      errors: [expect.objectContaining({ field: expect.stringMatching(/^freezes\./) })],
    });
    const human = await runCli(['flag', 'on', 'checkout', '-p', projectKey, '-e', 'qa'], as(alice));
    expect(human.stderr).toMatch(/^error: Change freeze active \(freeze\/active\): change freeze 'release weekend'/);
    expect(human.stderr).toMatch(/\n {2}- freezes\.[^:]+: freeze 'release weekend'/);
    expect(await on('qa')).toBe(false);
  });

  it('patches with instructions from a YAML file, stdin JSON and --instruction; bad input is refused before or by the server', async () => {
    const dir = tempConfigDir();
    const yamlFile = path.join(dir, 'targets.yaml');
    fs.writeFileSync(
      yamlFile,
      [
        '# give two users the true variation in staging',
        '- kind: addTargets',
        `  variationId: ${flag.variations[0]._id}`,
        '  values: [u-1, u-2]',
        '',
      ].join('\n'),
    );
    const patched = await runCli(
      [
        'flag',
        'patch',
        'checkout',
        '-p',
        projectKey,
        '-e',
        'staging',
        '-f',
        yamlFile,
        '--instruction',
        `{"kind":"removeTargets","variationId":"${flag.variations[0]._id}","values":["u-2"]}`,
        '--json',
      ],
      as(alice),
    );
    expect(patched.code).toBe(0);
    expect(patched.json().flag).toMatchObject({
      environments: { staging: { targets: [{ values: ['u-1'], variation: 0 }] } },
    });

    const stdin = await runCli(['flag', 'patch', 'checkout', '-p', projectKey, '-f', '-'], {
      ...as(alice),
      input: JSON.stringify({
        environmentKey: 'staging',
        comment: 'from a pipe',
        instructions: [{ kind: 'turnFlagOn' }],
      }),
    });
    expect(stdin.code).toBe(0);
    expect(stdin.stdout).toMatch(/^✓ checkout updated in staging: on/);
    expect(await on('staging')).toBe(true);
    // A flag-level instruction reaches every environment: the gated and the frozen ones refuse it.
    const flagLevel = await runCli(
      ['flag', 'patch', 'checkout', '-p', projectKey, '--instruction', '{"kind":"addTags","values":["x"]}'],
      as(alice),
    );
    expect(flagLevel.code).toBe(3);

    const unknownKind = await runCli(
      ['flag', 'patch', 'checkout', '-p', projectKey, '-e', 'staging', '--instruction', '{"kind":"frobnicate"}'],
      as(alice),
    );
    expect(unknownKind.code).toBe(1);
    expect(unknownKind.stderr).toMatch(/^error: [^\n]+\((patch\/unknown_instruction|request\/invalid)\)/);
    const notJson = await runCli(['flag', 'patch', 'checkout', '-p', projectKey, '--instruction', '{kind:'], as(alice));
    expect([notJson.code, notJson.stderr]).toEqual([1, expect.stringContaining('--instruction #1 is not JSON')]);
    const noKind = await runCli(
      ['flag', 'patch', 'checkout', '-p', projectKey, '--instruction', '{"value":1}'],
      as(alice),
    );
    expect(noKind.stderr).toContain('is not an instruction');
    const missingFile = await runCli(
      ['flag', 'patch', 'checkout', '-p', projectKey, '-f', path.join(dir, 'nope.yaml')],
      as(alice),
    );
    expect([missingFile.code, missingFile.stderr]).toEqual([1, expect.stringContaining('ENOENT')]);
    const none = await runCli(['flag', 'patch', 'checkout', '-p', projectKey], as(alice));
    expect(none.stderr).toContain('no instructions');
  });
});
