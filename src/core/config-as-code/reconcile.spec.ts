import { FLAG_INSTRUCTION_ACTIONS, SEGMENT_INSTRUCTION_ACTIONS } from '../patch';
import type { ConfigFile } from './config-file';
import { exportConfig } from './export-config';
import { plan } from './plan';
import { definition, environment, liveFlag, project, segment } from '../../../test/support/fixtures/live-state';

const rich = () =>
  project(
    [
      liveFlag(definition(), {
        staging: environment({
          on: true,
          targets: [{ variation: 1, values: ['alice'] }],
          contextTargets: [
            { contextKind: 'org', variation: 0, values: ['acme'] },
            { contextKind: 'user', variation: 1, values: [] },
          ],
          rules: [
            {
              _id: 'r1',
              clauses: [{ _id: 'c1', attribute: 'plan', op: 'segmentMatch', values: ['beta'], negate: false }],
              rollout: {
                variations: [
                  { variation: 0, weight: 30000 },
                  { variation: 1, weight: 70000 },
                  { variation: 2, weight: 0 },
                ],
                bucketBy: 'org',
                contextKind: 'org',
              },
              trackEvents: true,
            },
          ],
          prerequisites: [{ key: 'payments', variation: 0 }],
        }),
        production: environment(),
      }),
      liveFlag(
        definition({
          key: 'payments',
          kind: 'boolean',
          variations: [
            { _id: 't', value: true },
            { _id: 'f', value: false },
          ],
        }),
        {
          staging: environment({ offVariation: 1 }),
          production: environment({ offVariation: 1 }),
        },
      ),
    ],
    {
      staging: [
        segment({
          included: ['bob'],
          rules: [
            {
              _id: 's1',
              clauses: [{ _id: 'x', attribute: 'email', op: 'endsWith', values: ['@a.test'], negate: false }],
              weight: 100,
            },
          ],
        }),
      ],
    },
  );

const input = (file: ConfigFile, live = rich(), openChangeRequests: never[] = []) => ({
  file,
  live,
  openChangeRequests,
});

describe('plan', () => {
  it('finds nothing to do for the export of the live state itself', async () => {
    const live = rich();
    const file = exportConfig({ project: 'shop', flags: live.flags, segments: live.segments });
    expect(file.flags.map((f) => f.key)).toEqual(['checkout', 'payments']);
    expect(file.flags[0].environments!.staging.prerequisites).toEqual([{ flag: 'payments', variation: true }]);
    const result = await plan(input(file, live));
    expect(result).toEqual({ steps: [], problems: [], warnings: [] });
  });

  it('writes ungated staging directly and opens a change request for gated production', async () => {
    const live = rich();
    const file = exportConfig({ project: 'shop', flags: live.flags, segments: live.segments });
    file.flags[0].environments!.staging.on = false;
    file.flags[0].environments!.production.on = true;
    const { steps, problems } = await plan(input(file, live));
    expect(problems).toEqual([]);
    expect(steps).toEqual([
      {
        resource: 'flag',
        key: 'checkout',
        environment: 'production',
        phase: 'update',
        instructions: [{ kind: 'turnFlagOn' }],
        baseVersion: 7,
        mode: 'changeRequest',
        approvalReasons: ['the environment requires approval for any change'],
      },
      {
        resource: 'flag',
        key: 'checkout',
        environment: 'staging',
        phase: 'update',
        instructions: [{ kind: 'turnFlagOff' }],
        baseVersion: 7,
        mode: 'direct',
        approvalReasons: [],
      },
    ]);
  });

  it('reports a change request already open with the same instructions instead of opening another', async () => {
    const live = rich();
    const file = exportConfig({ project: 'shop', flags: live.flags, segments: live.segments });
    file.flags[0].environments!.production.on = true;
    const open = {
      id: 'cr-1',
      status: 'pending',
      resourceKind: 'flag',
      resourceKey: 'checkout',
      environmentKey: 'production',
      instructions: [{ kind: 'turnFlagOn' }],
    };
    const { steps } = await plan({ file, live, openChangeRequests: [open] });
    expect(steps.map((s) => [s.mode, s.changeRequest])).toEqual([['awaiting', { id: 'cr-1', status: 'pending' }]]);
  });

  it('creates missing segments and flags, then plans their targeting against the created state', async () => {
    const file: ConfigFile = {
      version: 1,
      project: 'shop',
      segments: { staging: [{ key: 'vip', name: 'VIP', included: ['carol'] }] },
      flags: [
        {
          key: 'banner',
          name: 'Banner',
          variations: [{ value: true }, { value: false }],
          environments: {
            staging: {
              on: true,
              offVariation: false,
              fallthrough: { variation: true },
              rules: [{ id: 'vips', clauses: [{ op: 'segmentMatch', values: ['vip'] }], variation: false }],
            },
          },
        },
      ],
    };
    const { steps, problems } = await plan(input(file, project([])));
    expect(problems).toEqual([]);
    expect(
      steps.map(
        (s) =>
          `${s.resource} ${s.key} ${s.environment ?? '-'} ${s.phase} ${s.mode} ${s.instructions.map((i) => i.kind).join(',')}`,
      ),
    ).toEqual([
      'segment vip staging create direct ',
      'flag banner - create direct ',
      'flag banner staging update direct turnFlagOn,addRule',
    ]);
    expect(steps[1].create).toEqual({
      key: 'banner',
      name: 'Banner',
      temporary: true,
      variations: [{ value: true }, { value: false }],
    });
  });

  it('refuses environments the project does not have and rules naming missing segments, with paths', async () => {
    const live = rich();
    const file = exportConfig({ project: 'shop', flags: live.flags, segments: {} });
    file.flags[0].environments!.qa = file.flags[0].environments!.production;
    expect((await plan(input(file, live))).problems).toEqual([
      { field: 'flags[0].environments.qa', reason: "environment 'qa' does not exist in project 'shop'" },
    ]);
    const ghost = exportConfig({ project: 'shop', flags: live.flags, segments: live.segments });
    ghost.flags[0].environments!.staging.rules![0].clauses[0].values = ['ghost'];
    expect((await plan(input(ghost, live))).problems).toEqual([
      {
        field: 'flags[0].environments.staging',
        reason: "updateClause clause.values[0]: segment 'ghost' does not exist in this environment",
      },
    ]);
  });

  it('archives flags the file does not list only with prune, through the gate of every environment', async () => {
    const live = rich();
    const file = exportConfig({ project: 'shop', flags: [live.flags[1]], segments: live.segments });
    expect((await plan(input(file, live))).steps).toEqual([]);
    const { steps } = await plan(input(file, live), { prune: true });
    // archiving changes what production serves (gated) and staging (not gated): one change request
    expect(steps).toEqual([
      expect.objectContaining({
        key: 'checkout',
        environment: 'production',
        phase: 'archive',
        instructions: [{ kind: 'archiveFlag' }],
        mode: 'changeRequest',
      }),
    ]);
  });

  it('limits the plan to the environments asked for', async () => {
    const live = rich();
    const file = exportConfig({ project: 'shop', flags: live.flags, segments: live.segments });
    file.flags[0].environments!.staging.on = false;
    file.flags[0].environments!.production.on = true;
    const { steps } = await plan(input(file, live), { environments: ['staging'] });
    expect(steps.map((s) => s.environment)).toEqual(['staging']);
  });

  it('emits only instruction kinds the write path accepts', async () => {
    const file = exportConfig({ project: 'shop', flags: rich().flags, segments: rich().segments });
    const { steps } = await plan(input(file, project([])));
    const kinds = steps.flatMap((s) => s.instructions.map((i) => [s.resource, i.kind] as const));
    expect(kinds.length).toBeGreaterThan(5);
    for (const [resource, kind] of kinds) {
      const known = resource === 'flag' ? FLAG_INSTRUCTION_ACTIONS : SEGMENT_INSTRUCTION_ACTIONS;
      expect(Object.keys(known)).toContain(kind);
    }
  });

  it('sends a project-level change gated in one environment as a change request there, and waits with the targeting', async () => {
    const live = rich();
    const file = exportConfig({ project: 'shop', flags: live.flags, segments: live.segments });
    file.flags[0].variations.push({ value: 'yellow' });
    file.flags[0].environments!.staging.on = false;
    const result = await plan(input(file, live));
    expect(result.steps).toEqual([
      {
        resource: 'flag',
        key: 'checkout',
        environment: 'production',
        phase: 'update',
        instructions: [{ kind: 'addVariation', value: 'yellow' }],
        baseVersion: 7,
        mode: 'changeRequest',
        approvalReasons: ['the environment requires approval for any change'],
      },
    ]);
    expect(result.warnings).toEqual([
      "flag 'checkout': its targeting is planned once the flag-level change is applied",
    ]);
  });

  it('blocks a project-level change that needs approval in several environments', async () => {
    const live = rich();
    live.environments[1].approval = { ...live.environments[0].approval };
    const file = exportConfig({ project: 'shop', flags: live.flags, segments: live.segments });
    file.flags[0].variations.push({ value: 'yellow' });
    const [step] = (await plan(input(file, live))).steps;
    expect(step).toMatchObject({
      mode: 'blocked',
      baseVersion: 3,
      note: expect.stringContaining('needs approval in production, staging'),
    });
  });
});
