/**
 * `gantry promote` against real processes: staging → production of one project (a gated target gets
 * a change request that a second member approves and applies; --dry-run writes nothing), and into
 * another Gantry process on its own database (flags and the segments their rules use are created
 * there; a gated target environment there gets a change request there).
 */
import YAML from 'yaml';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { cliEnv, runCli } from '../../support/cli';
import { factory, ok, type Flag } from '../../support/factories';
import {
  apply,
  flagIn,
  listChangeRequests,
  memberWithToken,
  review,
  setApprovalSettings,
} from '../../support/governance';

let source: Gantry;
let target: Gantry;
let owner: ApiClient;
let targetOwner: ApiClient;
let alice: string;
let bob: ApiClient;
const PROJECT = 'shop';

const variationId = (flag: Flag, value: unknown) => flag.variations.find((v) => v.value === value)!._id;

beforeAll(async () => {
  [source, target] = await Promise.all([startGantry(), startGantry()]);
  owner = source.client(source.ownerToken);
  targetOwner = target.client(target.ownerToken);
  alice = (await memberWithToken(source, owner, 'writer')).token;
  bob = (await memberWithToken(source, owner, 'writer')).api;

  await factory.project(owner, {
    key: PROJECT,
    environments: ['staging', { key: 'production', name: 'Production', critical: true }],
  });
  await factory.segment(owner, PROJECT, 'staging', { key: 'beta', name: 'Beta', included: ['u-1'] });
  const flag = await factory.flag(owner, PROJECT, { key: 'checkout', variations: ['red', 'blue'] });
  await factory.flag(owner, PROJECT, { key: 'other' });
  await factory.patchFlag(owner, PROJECT, 'checkout', {
    environmentKey: 'staging',
    instructions: [
      { kind: 'turnFlagOn' },
      {
        kind: 'addRule',
        ruleId: 'beta',
        clauses: [{ attribute: '', op: 'segmentMatch', values: ['beta'] }],
        variationId: variationId(flag, 'blue'),
      },
      { kind: 'addTargets', variationId: variationId(flag, 'blue'), values: ['alice'] },
    ],
  });
  await factory.project(targetOwner, { key: 'shop-eu', environments: ['production'] });
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
});

/** One environment's section of checkout in an export, to compare environments and instances. */
async function section(g: Gantry, project: string, env: string) {
  const r = await runCli(['export', '--project', project, '--env', env], { env: cliEnv(g) });
  expect(r.code).toBe(0);
  const doc = YAML.parse(r.stdout);
  return doc.flags.find((f: any) => f.key === 'checkout').environments[env];
}

describe('gantry promote', () => {
  it('proposes staging for gated production as a change request, and --dry-run writes nothing', async () => {
    const args = ['promote', '--project', PROJECT, '--from', 'staging', '--to', 'production', '--flag', 'checkout'];
    const dry = await runCli([...args, '--dry-run', '--json'], { env: cliEnv(source, alice) });
    expect(dry.code).toBe(0);
    const planned = dry.json();
    const production = (await flagIn(owner, PROJECT, 'checkout')).environments.production;
    expect(planned.steps).toEqual([
      expect.objectContaining({
        resource: 'segment',
        key: 'beta',
        environment: 'production',
        phase: 'create',
        create: { key: 'beta', name: 'Beta', included: ['u-1'] },
      }),
      expect.objectContaining({
        key: 'checkout',
        environment: 'production',
        mode: 'changeRequest',
        baseVersion: production.version,
        instructions: [
          { kind: 'turnFlagOn' },
          { kind: 'replaceTargets', targets: [{ variationId: expect.any(String), values: ['alice'] }] },
          {
            kind: 'addRule',
            ruleId: 'beta',
            clauses: [{ attribute: '', op: 'segmentMatch', values: ['beta'], negate: false }],
            variationId: expect.any(String),
          },
        ],
      }),
    ]);
    expect(
      (
        await owner.GET('/api/v1/projects/{projectKey}/environments/{envKey}/segments', {
          params: { path: { projectKey: PROJECT, envKey: 'production' } },
        })
      ).data!.items,
    ).toEqual([]);

    const promoted = await runCli([...args, '-m', 'promote checkout', '--json'], { env: cliEnv(source, alice) });
    expect(promoted.code).toBe(2);
    const [request] = promoted.json().changeRequests;
    expect(request).toMatchObject({ resource: 'flag checkout', environment: 'production', status: 'pending' });
    expect((await flagIn(owner, PROJECT, 'checkout')).environments.production.on).toBe(false);
    ok(await review(bob, request.id, 'approve'));
    ok(await apply(bob, request.id));
    expect(await section(source, PROJECT, 'production')).toEqual(await section(source, PROJECT, 'staging'));

    const again = await runCli([...args], { env: cliEnv(source, alice) });
    expect([again.code, again.stdout]).toEqual([0, `No changes: project ${PROJECT} matches the file.\n`]);
  });

  it('promotes into another Gantry process: direct where ungated, a change request there where gated', async () => {
    const args = [
      'promote',
      '--project',
      PROJECT,
      '--from',
      'staging',
      '--to',
      'production',
      '--target-url',
      target.baseUrl,
      '--target-token',
      target.ownerToken,
      '--target-project',
      'shop-eu',
    ];
    const r = await runCli([...args, '--flag', 'checkout', '--json'], { env: cliEnv(source, alice) });
    expect(r.code).toBe(0);
    expect(r.json().applied.map((s: any) => `${s.resource} ${s.key} ${s.phase} ${s.mode}`)).toEqual([
      'segment beta create direct',
      'flag checkout create direct',
      'flag checkout update direct',
    ]);
    expect(await section(target, 'shop-eu', 'production')).toEqual(await section(source, PROJECT, 'staging'));
    // only the chosen flag went over
    expect(
      (
        await targetOwner.GET('/api/v1/projects/{projectKey}/flags', { params: { path: { projectKey: 'shop-eu' } } })
      ).data!.items.map((f) => f.key),
    ).toEqual(['checkout']);

    await setApprovalSettings(targetOwner, 'shop-eu', 'production', { required: true });
    await factory.patchFlag(owner, PROJECT, 'checkout', {
      environmentKey: 'staging',
      instructions: [{ kind: 'turnFlagOff' }],
    });
    const gated = await runCli([...args, '--flag', 'checkout', '--ref', 'release-7', '--json'], {
      env: cliEnv(source, alice),
    });
    expect(gated.code).toBe(2);
    const { items } = await listChangeRequests(targetOwner, { projectKey: 'shop-eu', status: ['pending'] });
    expect(items).toEqual([
      expect.objectContaining({
        environmentKey: 'production',
        resourceKey: 'checkout',
        instructions: [{ kind: 'turnFlagOff' }],
        description: `gantry promote ${PROJECT}/staging → shop-eu/production (ref: release-7)`,
      }),
    ]);
    expect((await flagIn(targetOwner, 'shop-eu', 'checkout')).environments.production.on).toBe(true);
  });

  it('refuses unknown flags and environments before writing', async () => {
    const bad = await runCli(
      ['promote', '--project', PROJECT, '--from', 'staging', '--to', 'production', '--flag', 'nope'],
      {
        env: cliEnv(source, alice),
      },
    );
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([
      1,
      "error: --flag: project 'shop' has no (unarchived) flag 'nope'",
    ]);
    const env = await runCli(['promote', '--project', PROJECT, '--from', 'qa', '--to', 'production'], {
      env: cliEnv(source, alice),
    });
    expect([env.code, env.stderr.split('\n')[0]]).toEqual([1, "error: --from: project 'shop' has no environment 'qa'"]);
    const to = await runCli(['promote', '--project', PROJECT, '--from', 'staging', '--to', 'qa', '--dry-run'], {
      env: cliEnv(source, alice),
    });
    expect(to.code).toBe(1);
    expect(to.stderr).toContain("  - --env: environment 'qa' does not exist in project 'shop'");
  });
});
