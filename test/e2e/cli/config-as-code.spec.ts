/**
 * Config as code through the CLI, as a CI job runs it (child processes against a started Gantry):
 * export a rich project, apply it to a fresh project (the copy exports identically, plan finds no
 * drift), catch a hand change with `plan --detailed-exitcode`, apply through approvals with
 * `--wait-approval` while a second member approves and applies, re-apply as a no-op, report a
 * partial failure exactly, and refuse invalid files with the path of the bad field before writing.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { checkAgainstSchema } from '../../../src/core/config-as-code/schema-check';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { cliEnv, runCli, tempConfigDir } from '../../support/cli';
import { factory, ok, type Flag } from '../../support/factories';
import {
  apply,
  flagIn,
  listChangeRequests,
  memberWithToken,
  review,
  setApprovalSettings,
} from '../../support/governance';

let gantry: Gantry;
let owner: ApiClient;
let alice: string;
let bob: ApiClient;
const dir = tempConfigDir();
const SOURCE = 'shop';
const COPY = 'shop-copy';

const asOwner = () => ({ env: cliEnv(gantry) });
const as = (token: string) => ({ env: cliEnv(gantry, token) });
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};
/** Edits a YAML file as a person would (parse, change, write back). */
function edit(from: string, name: string, change: (doc: any) => void): string {
  const doc = YAML.parse(fs.readFileSync(from, 'utf8'));
  change(doc);
  return file(name, YAML.stringify(doc));
}
const variationId = (flag: Flag, value: unknown) => flag.variations.find((v) => v.value === value)!._id;
const flagNamed = (doc: any, key: string) => doc.flags.find((f: any) => f.key === key);

beforeAll(async () => {
  gantry = await startGantry();
  owner = gantry.client(gantry.ownerToken);
  alice = (await memberWithToken(gantry, owner, 'writer')).token;
  bob = (await memberWithToken(gantry, owner, 'writer')).api;

  await factory.project(owner, { key: SOURCE, environments: ['staging', 'production'] });
  await factory.project(owner, { key: COPY, environments: ['staging', 'production'] });
  await factory.segment(owner, SOURCE, 'staging', { key: 'beta', name: 'Beta testers', included: ['u-1'] });
  await factory.patchSegment(owner, SOURCE, 'staging', 'beta', {
    instructions: [
      { kind: 'addIncludedTargets', contextKind: 'org', values: ['acme'] },
      {
        kind: 'addRule',
        ruleId: 'pro-users',
        clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
        weight: 50000,
      },
    ] as never,
  });
  const payments = await factory.flag(owner, SOURCE, { key: 'payments', name: 'Payments' });
  await factory.patchFlag(owner, SOURCE, 'payments', {
    environmentKey: 'staging',
    instructions: [{ kind: 'turnFlagOn' }],
  });
  const checkout = await factory.flag(owner, SOURCE, {
    key: 'checkout',
    name: 'Checkout',
    description: 'The new checkout',
    tags: ['web', 'team-a'],
    temporary: false,
    variations: ['red', 'blue', 'green'],
  });
  const [red, blue, green] = ['red', 'blue', 'green'].map((v) => variationId(checkout, v));
  await factory.patchFlag(owner, SOURCE, 'checkout', {
    instructions: [{ kind: 'updateVariation', variationId: red, name: 'Red', description: 'the old one' }],
  });
  await factory.patchFlag(owner, SOURCE, 'checkout', {
    environmentKey: 'staging',
    instructions: [
      { kind: 'turnFlagOn' },
      { kind: 'addTargets', variationId: blue, values: ['alice', 'bob'] },
      { kind: 'addTargets', variationId: red, contextKind: 'org', values: ['acme'] },
      {
        kind: 'addRule',
        ruleId: 'beta-users',
        description: 'Beta',
        clauses: [
          { attribute: '', op: 'segmentMatch', values: ['beta'] },
          { attribute: 'country', op: 'in', values: ['de', 'at'] },
        ],
        variationId: blue,
      },
      {
        kind: 'addRule',
        ruleId: 'rollout-eu',
        clauses: [{ contextKind: 'org', attribute: 'region', op: 'startsWith', values: ['eu'] }],
        rolloutWeights: { [red]: 30000, [blue]: 70000 },
        rolloutContextKind: 'org',
      },
      { kind: 'updateFallthroughVariationOrRollout', rolloutWeights: { [red]: 50000, [green]: 50000 } },
      { kind: 'updateOffVariation', variationId: green },
      { kind: 'addPrerequisite', key: 'payments', variationId: variationId(payments, true) },
      { kind: 'updateTrackEvents', trackEvents: true },
    ],
  });
  await factory.patchFlag(owner, SOURCE, 'checkout', {
    environmentKey: 'production',
    instructions: [{ kind: 'turnFlagOn' }, { kind: 'updateFallthroughVariationOrRollout', variationId: blue }],
  });
});
afterAll(async () => {
  await gantry?.stop();
});

/** The exported file of a project, minus its `project:` line (to compare two projects). */
async function exported(project: string): Promise<string> {
  const r = await runCli(['export', '--project', project], asOwner());
  expect([r.code, r.stderr]).toEqual([0, '']);
  return r.stdout.replace(`project: ${project}\n`, 'project: X\n');
}

describe('gantry export / plan / apply', () => {
  let sourceFile: string;

  it('exports a stable, schema-valid YAML file', async () => {
    const r = await runCli(['export', '--project', SOURCE], asOwner());
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://gantry.dev/schemas/gantry-config.schema.json',
    );
    const doc = YAML.parse(r.stdout);
    expect(checkAgainstSchema(doc)).toEqual([]);
    // Sorted by key; variations named by value; rule ids kept.
    expect(doc.flags.map((f: any) => f.key)).toEqual(['checkout', 'payments']);
    const staging = flagNamed(doc, 'checkout').environments.staging;
    expect(staging).toEqual({
      on: true,
      offVariation: 'green',
      fallthrough: {
        rollout: {
          variations: [
            { variation: 'red', weight: 50000 },
            { variation: 'green', weight: 50000 },
          ],
        },
      },
      targets: [
        { variation: 'blue', values: ['alice', 'bob'] },
        { variation: 'red', contextKind: 'org', values: ['acme'] },
      ],
      rules: [
        {
          id: 'beta-users',
          description: 'Beta',
          clauses: [
            { op: 'segmentMatch', values: ['beta'] },
            { attribute: 'country', op: 'in', values: ['de', 'at'] },
          ],
          variation: 'blue',
        },
        {
          id: 'rollout-eu',
          clauses: [{ contextKind: 'org', attribute: 'region', op: 'startsWith', values: ['eu'] }],
          rollout: {
            variations: [
              { variation: 'red', weight: 30000 },
              { variation: 'blue', weight: 70000 },
            ],
            contextKind: 'org',
          },
        },
      ],
      prerequisites: [{ flag: 'payments', variation: true }],
      trackEvents: true,
    });
    expect(flagNamed(doc, 'checkout').variations).toEqual([
      { value: 'red', name: 'Red', description: 'the old one' },
      { value: 'blue' },
      { value: 'green' },
    ]);
    expect(doc.segments).toEqual({
      staging: [
        {
          key: 'beta',
          name: 'Beta testers',
          included: ['u-1'],
          includedContexts: [{ contextKind: 'org', values: ['acme'] }],
          rules: [{ id: 'pro-users', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], weight: 50000 }],
        },
      ],
    });
    expect((await runCli(['export', '--project', SOURCE], asOwner())).stdout).toBe(r.stdout);
    sourceFile = file('gantry.yaml', r.stdout);
  });

  it('applies the export to a fresh project, which then exports the same and shows no drift', async () => {
    const before = await runCli(['plan', '-f', sourceFile, '--project', COPY, '--detailed-exitcode'], asOwner());
    expect(before.code).toBe(2);
    expect(before.stdout).toContain('Plan for project shop-copy: 3 to create, 4 direct write(s)');

    const r = await runCli(['apply', '-f', sourceFile, '--project', COPY, '-m', 'bootstrap', '--json'], asOwner());
    expect(r.code).toBe(0);
    const report = r.json();
    expect(report.failed).toBeNull();
    expect(report.applied.map((s: any) => `${s.resource} ${s.key} ${s.environment ?? '-'} ${s.phase}`)).toEqual([
      'segment beta staging create',
      'segment beta staging update',
      'flag checkout - create',
      'flag payments - create',
      'flag checkout production update',
      'flag checkout staging update',
      'flag payments staging update',
    ]);
    expect(await exported(COPY)).toBe(await exported(SOURCE));

    const plan = await runCli(['plan', '-f', sourceFile, '--project', COPY, '--detailed-exitcode'], asOwner());
    expect([plan.code, plan.stdout]).toEqual([0, 'No changes: project shop-copy matches the file.\n']);
  });

  it('plan exits 2 on a hand change and shows the instructions that reconcile it', async () => {
    await factory.patchFlag(owner, COPY, 'checkout', {
      environmentKey: 'staging',
      instructions: [{ kind: 'turnFlagOff' }, { kind: 'removeRule', ruleId: 'rollout-eu' }],
    });
    const copy = await flagIn(owner, COPY, 'checkout');
    const r = await runCli(['plan', '-f', sourceFile, '--project', COPY, '--detailed-exitcode', '--json'], asOwner());
    expect(r.code).toBe(2);
    expect(r.json()).toEqual({
      project: COPY,
      drift: true,
      warnings: [],
      steps: [
        {
          resource: 'flag',
          key: 'checkout',
          environment: 'staging',
          phase: 'update',
          mode: 'direct',
          baseVersion: copy.environments.staging.version,
          approvalReasons: [],
          instructions: [
            { kind: 'turnFlagOn' },
            {
              kind: 'addRule',
              ruleId: 'rollout-eu',
              clauses: [{ contextKind: 'org', attribute: 'region', op: 'startsWith', values: ['eu'], negate: false }],
              rolloutWeights: { [variationId(copy, 'red')]: 30000, [variationId(copy, 'blue')]: 70000 },
              rolloutContextKind: 'org',
            },
          ],
        },
      ],
    });
    const human = await runCli(['plan', '-f', sourceFile, '--project', COPY], asOwner());
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(
      `flag checkout · staging · update: direct write at version ${copy.environments.staging.version}`,
    );
    expect(human.stdout).toContain('    ~ {"kind":"turnFlagOn"}');

    expect((await runCli(['apply', '-f', sourceFile, '--project', COPY], asOwner())).code).toBe(0);
    expect((await runCli(['plan', '-f', sourceFile, '--project', COPY, '--detailed-exitcode'], asOwner())).code).toBe(
      0,
    );
  });

  it('reports a partial failure exactly: what was written, what failed, what was not attempted', async () => {
    const changed = edit(sourceFile, 'partial.yaml', (doc) => {
      flagNamed(doc, 'checkout').environments.production.on = false;
      flagNamed(doc, 'checkout').environments.staging.on = false;
      flagNamed(doc, 'payments').environments.staging.on = false;
    });
    const now = Date.now();
    const freeze = ok(
      await owner.POST('/api/v1/projects/{projectKey}/freezes', {
        params: { path: { projectKey: COPY } },
        body: {
          name: 'staging-freeze',
          environmentKeys: ['staging'],
          from: new Date(now - 60_000).toISOString(),
          to: new Date(now + 3_600_000).toISOString(),
        },
      }),
    );
    const r = await runCli(['apply', '-f', changed, '--project', COPY, '--json'], asOwner());
    expect(r.code).toBe(1);
    const report = r.json();
    expect(report.applied.map((s: any) => `${s.key} ${s.environment}`)).toEqual(['checkout production']);
    expect(report.failed).toMatchObject({
      step: { key: 'checkout', environment: 'staging', instructions: [{ kind: 'turnFlagOff' }] },
      error: { code: 'freeze/active', status: 423 },
    });
    expect(report.notApplied.map((s: any) => `${s.key} ${s.environment}`)).toEqual(['payments staging']);
    const live = await flagIn(owner, COPY, 'checkout');
    expect([live.environments.production.on, live.environments.staging.on]).toEqual([false, true]);

    const human = await runCli(['apply', '-f', changed, '--project', COPY], asOwner());
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('Failed (nothing of this step was written):');
    expect(human.stdout).toContain('Not applied (not attempted):\nflag payments · staging · update');

    await owner.DELETE('/api/v1/projects/{projectKey}/freezes/{id}', {
      params: { path: { projectKey: COPY, id: freeze.id } },
    });
    expect((await runCli(['apply', '-f', sourceFile, '--project', COPY], asOwner())).code).toBe(0);
  });

  it('opens a change request for a gated environment and waits until it is approved and applied', async () => {
    await setApprovalSettings(owner, COPY, 'production', { required: true, minApprovals: 1 });
    const changed = edit(sourceFile, 'launch.yaml', (doc) => {
      const checkout = flagNamed(doc, 'checkout');
      checkout.environments.production.fallthrough = { variation: 'green' };
      checkout.environments.staging.targets[0].values.push('carol');
    });
    const plan = await runCli(['plan', '-f', changed, '--project', COPY, '--json'], as(alice));
    expect(plan.json().steps.map((s: any) => [s.environment, s.mode, s.approvalReasons])).toEqual([
      ['production', 'changeRequest', ['the environment requires approval for any change']],
      ['staging', 'direct', []],
    ]);

    const applying = runCli(
      [
        'apply',
        '-f',
        changed,
        '--project',
        COPY,
        '-m',
        'launch green',
        '--ref',
        'PR-42',
        '--wait-approval',
        '--timeout',
        '120',
        '--json',
      ],
      as(alice),
    );
    const request = await pendingRequest();
    expect(request).toMatchObject({
      resourceKey: 'checkout',
      environmentKey: 'production',
      description: 'launch green (ref: PR-42)',
      instructions: [
        {
          kind: 'updateFallthroughVariationOrRollout',
          variationId: variationId(await flagIn(owner, COPY, 'checkout'), 'green'),
        },
      ],
    });
    ok(await review(bob, request.id, 'approve'));
    ok(await apply(bob, request.id));
    const r = await applying;
    expect(r.code).toBe(0);
    // staging was written directly, production through the reviewed request
    expect(r.json().applied.map((s: any) => [s.environment, s.mode])).toEqual([
      ['production', 'changeRequest'],
      ['staging', 'direct'],
    ]);
    expect((await flagIn(owner, COPY, 'checkout')).environments.staging.targets[0].values).toContain('carol');
    expect(r.json().changeRequests).toEqual([
      { id: request.id, resource: 'flag checkout', environment: 'production', status: 'applied' },
    ]);
    expect((await flagIn(owner, COPY, 'checkout')).environments.production.fallthrough).toEqual({
      variation: 2,
    });

    const again = await runCli(['apply', '-f', changed, '--project', COPY, '--wait-approval'], as(alice));
    expect([again.code, again.stdout]).toEqual([0, 'No changes: project shop-copy matches the file.\n']);
    const againJson = await runCli(['apply', '-f', changed, '--project', COPY, '--json'], as(alice));
    expect(againJson.json()).toMatchObject({ changed: false, applied: [], changeRequests: [] });
  });

  it('does not open a second request while one is open, and exits 3 when it is declined', async () => {
    const changed = edit(sourceFile, 'decline.yaml', (doc) => {
      flagNamed(doc, 'checkout').environments.production.on = false;
    });
    const opened = await runCli(['apply', '-f', changed, '--project', COPY, '--json'], as(alice));
    expect(opened.code).toBe(2);
    const [request] = opened.json().changeRequests;
    const again = await runCli(['apply', '-f', changed, '--project', COPY, '--json'], as(alice));
    expect(again.json().applied).toMatchObject([{ mode: 'awaiting', changeRequest: { id: request.id } }]);
    expect((await listChangeRequests(owner, { projectKey: COPY, status: ['pending'] })).items).toHaveLength(1);

    // Whether the decline lands before the CLI reads the request or while it waits, it ends in 3.
    const waiting = runCli(
      ['apply', '-f', changed, '--project', COPY, '--wait-approval', '--timeout', '60'],
      as(alice),
    );
    ok(await review(bob, request.id, 'decline', 'not now'));
    const r = await waiting;
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`${request.id}  flag checkout · production  declined`);
    // re-applying the declined change does not open another request
    const declined = await runCli(['apply', '-f', changed, '--project', COPY], as(alice));
    expect(declined.code).toBe(3);
    expect((await listChangeRequests(owner, { projectKey: COPY, status: ['pending'] })).items).toHaveLength(0);
  });

  it('refuses an invalid file with the path of the bad field before writing anything', async () => {
    const before = await exported(COPY);
    const withNewFlag = (doc: any) =>
      doc.flags.push({ key: 'banner', name: 'Banner', variations: [{ value: true }, { value: false }] });
    const cases: [string, (doc: any) => void, string][] = [
      [
        'op.yaml',
        (doc) => (doc.flags[0].environments.staging.rules[0].clauses[1].op = 'equals'),
        'flags[0].environments.staging.rules[0].clauses[1].op: must be one of in, endsWith',
      ],
      [
        'variation.yaml',
        (doc) => (doc.flags[0].environments.production.fallthrough = { variation: 'purple' }),
        `flags[0].environments.production.fallthrough.variation: "purple" is not a variation of flag 'checkout'`,
      ],
      ['duplicate.yaml', (doc) => doc.flags.push(doc.flags[1]), "flags[3].key: duplicates flags[1].key 'payments'"],
      [
        'environment.yaml',
        (doc) => (doc.flags[1].environments.qa = doc.flags[1].environments.staging),
        "flags[1].environments.qa: environment 'qa' does not exist in project 'shop-copy'",
      ],
    ];
    for (const [name, change, message] of cases) {
      const bad = edit(sourceFile, name, (doc) => {
        withNewFlag(doc);
        change(doc);
      });
      const r = await runCli(['apply', '-f', bad, '--project', COPY], asOwner());
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`  - ${message}`);
      expect(r.stderr).toContain('nothing was written');
      const json = await runCli(['plan', '-f', bad, '--project', COPY, '--json'], asOwner());
      expect(json.json().error.errors).toContainEqual({ field: message.split(':')[0], reason: expect.any(String) });
    }
    const yamlDuplicate = file('keys.yaml', 'version: 1\nproject: shop-copy\nflags: []\nflags: []\n');
    const r = await runCli(['apply', '-f', yamlDuplicate], asOwner());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('  - line 4, column 1: Map keys must be unique');
    expect(
      (
        await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: COPY, flagKey: 'banner' } },
        })
      ).response.status,
    ).toBe(404);
    expect(await exported(COPY)).toBe(before);
  });
});

/** The one pending change request of the copy project, once the CLI has opened it. */
async function pendingRequest() {
  for (;;) {
    const { items } = await listChangeRequests(owner, { projectKey: COPY, status: ['pending'] });
    if (items.length) return items[0];
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
