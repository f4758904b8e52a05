/**
 * Release automation and the audit log through the CLI: `release start --wait` is the CI gate (exit
 * 0 when the release completes, 1 when a guarded release rolls back), the other release verbs,
 * `pipeline start|status --wait`, `trigger fire` by the secret URL alone, `audit list|verify`
 * (exit 1 once the chain is tampered with in the database).
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { cliEnv, runCli } from '../../support/cli';
import { eventually, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag } from '../../support/factories';
import { flagIn } from '../../support/governance';
import { turnOn } from '../../support/release-plans';

let gantry: Gantry;
let owner: ApiClient;
let projectKey: string;

beforeAll(async () => {
  gantry = await startGantry({ role: 'all' });
  owner = gantry.client(gantry.ownerToken);
  projectKey = (await factory.project(owner, { environments: ['staging'] })).key;
  await factory.metric(owner, projectKey);
  ok(
    await owner.POST('/api/v1/projects/{projectKey}/release-pipelines', {
      params: { path: { projectKey } },
      body: {
        key: 'quick',
        name: 'Quick',
        phases: [{ name: 'test', audiences: [{ environmentKey: 'staging', strategy: { kind: 'immediate' } }] }],
      },
    }),
  );
});
afterAll(async () => {
  await gantry?.stop();
});

const env = () => ({ env: cliEnv(gantry) });
const twoWayFlag = () =>
  factory.flag(owner, projectKey, { variations: ['old', 'new'], defaults: { onVariation: 0, offVariation: 0 } });
const releasesOf = async (flag: Flag) =>
  ok(
    await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
      params: { path: { projectKey, flagKey: flag.key, envKey: 'staging' } },
    }),
  ).items;

/** SDK events: `perArm` contexts saw each variation, `errorsOld`/`errorsNew` of them sent the metric's event. */
async function feed(flag: Flag, perArm: number, errorsOld: number, errorsNew: number) {
  const sdkKey = await sdkKeyOf(owner, projectKey, 'staging');
  const now = Date.now();
  const events: unknown[] = [];
  for (const [variation, errors] of [
    [0, errorsOld],
    [1, errorsNew],
  ] as const) {
    for (let i = 0; i < perArm; i++) {
      const context = { kind: 'user', key: `${flag.key}-${variation}-${i}` };
      events.push({
        kind: 'feature',
        key: flag.key,
        variation,
        value: variation ? 'new' : 'old',
        context,
        creationDate: now,
      });
      if (i < errors) events.push({ kind: 'custom', key: 'checkout-error', context, creationDate: now });
    }
  }
  const res = await gantry.raw('POST', '/bulk', {
    headers: { authorization: sdkKey, 'content-type': 'application/json' },
    body: events,
  });
  expect(res.status).toBe(202);
}

describe('gantry release', () => {
  it('start --wait exits 0 once the release has completed', async () => {
    const flag = await twoWayFlag();
    const r = await runCli(
      [
        'release',
        'start',
        flag.key,
        '-p',
        projectKey,
        '-e',
        'staging',
        '--to',
        'new',
        '--stage',
        '50:1s',
        '--stage',
        '100:1s',
        '--wait',
        '--json',
      ],
      env(),
    );
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      flagKey: flag.key,
      status: 'completed',
      currentWeight: 100_000,
      stages: [{ weight: 50_000 }, { weight: 100_000 }],
    });
    expect((await flagIn(owner, projectKey, flag.key)).environments.staging.fallthrough).toEqual({ variation: 1 });
  });

  it('start --wait exits 1 when the guarded release rolls back on a regression', async () => {
    const flag = await twoWayFlag();
    const waiting = runCli(
      [
        'release',
        'start',
        flag.key,
        '-p',
        projectKey,
        '-e',
        'staging',
        '--to',
        'new',
        '--stage',
        '50:1s',
        '--stage',
        '100:1s',
        '--guard-metric',
        'checkout-error',
        '--on-regression',
        'rollback',
        '--min-sample',
        '200',
        '--wait',
        '--interval',
        '200ms',
      ],
      env(),
    );
    // While the CLI waits, the new variation's error rate turns out clearly worse (30 % against 1 %).
    await eventually(async () => expect((await releasesOf(flag))[0]).toMatchObject({ currentStage: 0 }), {
      timeoutMs: 20_000,
    });
    await feed(flag, 400, 4, 120);
    const r = await waiting;
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^release:\s+\S+\nflag:\s+\S+ in staging\nstatus:\s+rolled_back\n/);
    expect(r.stdout).toContain('guard result: regression');
    expect(r.stderr).toContain('rolled back: ');
    expect((await flagIn(owner, projectKey, flag.key)).environments.staging.fallthrough).toEqual({ variation: 0 });
  });

  it('start --wait also ends (exit 1) when the guard pauses the release on a regression', async () => {
    const flag = await twoWayFlag();
    const waiting = runCli(
      [
        ...[
          'release',
          'start',
          flag.key,
          '-p',
          projectKey,
          '-e',
          'staging',
          '--to',
          'new',
          '--stage',
          '50:1s',
          '--stage',
          '100:1s',
        ],
        ...['--guard-metric', 'checkout-error', '--on-regression', 'pause', '--min-sample', '200', '--wait', '--json'],
      ],
      env(),
    );
    await eventually(async () => expect((await releasesOf(flag))[0]).toMatchObject({ currentStage: 0 }), {
      timeoutMs: 20_000,
    });
    await feed(flag, 400, 4, 120);
    const r = await waiting;
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'paused', guardResult: { outcome: 'regression' } });
    expect(r.stderr).toContain('paused by the guard: ');
  });

  it('status, pause, resume and rollback the latest release; --wait gives up after --timeout', async () => {
    const flag = await twoWayFlag();
    const args = (...words: string[]) => [...words, flag.key, '-p', projectKey, '-e', 'staging', '--json'];
    const started = await runCli(
      [...args('release', 'start'), '--to', 'new', '--stage', '50:1h', '--stage', '100:1h'],
      env(),
    );
    expect(started.code).toBe(0);
    const id: string = started.json().id;
    expect(started.json()).toMatchObject({
      status: 'running',
      stages: [{ weight: 50_000, durationMs: 3_600_000 }, { weight: 100_000 }],
    });

    expect((await runCli(args('release', 'status'), env())).json()).toMatchObject({ id, status: 'running' });
    expect((await runCli(args('release', 'pause'), env())).json()).toMatchObject({ id, status: 'paused' });
    expect((await runCli([...args('release', 'resume'), '--id', id], env())).json()).toMatchObject({
      id,
      status: 'running',
    });

    const timedOut = await runCli(
      [...args('release', 'status'), '--wait', '--timeout', '1s', '--interval', '200ms'],
      env(),
    );
    expect(timedOut.code).toBe(1);
    expect(timedOut.json()).toMatchObject({ id, status: 'running' });
    expect(timedOut.stderr).toContain(`timed out: release ${id} is still running`);

    expect((await runCli(args('release', 'rollback'), env())).json()).toMatchObject({ id, status: 'rolled_back' });
    const after = await runCli([...args('release', 'status'), '--wait'], env());
    expect([after.code, after.json().status]).toEqual([1, 'rolled_back']);

    const again = await runCli(args('release', 'resume'), env());
    expect([again.code, again.json().error.code]).toEqual([1, 'release/invalid_state']);
  });

  it('refuses bad release input before calling, and names what the server refuses', async () => {
    const flag = await twoWayFlag();
    const base = ['release', 'start', flag.key, '-p', projectKey, '-e', 'staging'];
    const noStages = await runCli([...base, '--to', 'new'], env());
    expect([noStages.code, noStages.stderr]).toEqual([
      1,
      expect.stringContaining('--stage <percent>:<duration> is required'),
    ]);
    const badStage = await runCli([...base, '--to', 'new', '--stage', 'half:1m'], env());
    expect(badStage.stderr).toContain("--stage 'half:1m': expected <percent>:<duration>");
    const badDuration = await runCli([...base, '--to', 'new', '--stage', '100:soon'], env());
    expect(badDuration.stderr).toContain("'soon' is not a duration");
    const unknownVariation = await runCli([...base, '--to', 'newest', '--stage', '100:1s'], env());
    expect(unknownVariation.stderr).toMatch(/has no variation 'newest'; it has: "old" \(\S+\), "new" \(\S+\)/);
    const serverSide = await runCli([...base, '--to', 'new', '--stage', '50:1s', '--json'], env());
    expect([serverSide.code, serverSide.json().error.code]).toEqual([1, 'release/invalid_stages']);
    const none = await runCli(['release', 'status', flag.key, '-p', projectKey, '-e', 'staging'], env());
    expect(none.stderr).toContain(`flag '${flag.key}' has no release in staging`);
  });
});

describe('gantry pipeline, trigger and audit', () => {
  it('pipeline start --wait exits 0 when the run completes; status shows it; unknown pipeline exits 1', async () => {
    const flag = await twoWayFlag();
    await turnOn(owner, projectKey, flag.key, ['staging']); // a plan refuses to start where the flag is off
    const r = await runCli(
      ['pipeline', 'start', flag.key, '-p', projectKey, '--pipeline', 'quick', '--to', 'new', '--wait', '--json'],
      env(),
    );
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      pipelineKey: 'quick',
      status: 'completed',
      audiences: [{ environmentKey: 'staging', status: 'completed' }],
    });
    const status = await runCli(['pipeline', 'status', flag.key, '-p', projectKey], env());
    expect(status.stdout).toMatch(/^status:\s+completed$/m);
    expect(status.stdout).toMatch(/^1\s+staging\s+completed/m);
    const unknown = await runCli(
      ['pipeline', 'start', flag.key, '-p', projectKey, '--pipeline', 'nope', '--to', 'new', '--json'],
      env(),
    );
    expect([unknown.code, unknown.json().error.code]).toEqual([1, 'pipeline/not_found']);
  });

  it('pipeline start into a gated environment is break-glass: exit 3 without --bypass-reason, started with it', async () => {
    const gated = (
      await factory.project(owner, { environments: [{ key: 'production', name: 'Production', critical: true }] })
    ).key;
    ok(
      await owner.POST('/api/v1/projects/{projectKey}/release-pipelines', {
        params: { path: { projectKey: gated } },
        body: {
          key: 'prod',
          name: 'Prod',
          phases: [{ name: 'prod', audiences: [{ environmentKey: 'production', strategy: { kind: 'immediate' } }] }],
        },
      }),
    );
    const flag = await factory.flag(owner, gated, { variations: ['old', 'new'] });
    await turnOn(owner, gated, flag.key, ['production']); // a plan refuses to start where the flag is off
    const start = ['pipeline', 'start', flag.key, '-p', gated, '--pipeline', 'prod', '--to', 'new', '--json'];
    const refused = await runCli(start, env());
    expect([refused.code, refused.json().error.code]).toEqual([3, 'approval/bypass_reason_required']);
    const started = await runCli([...start, '--bypass-reason', 'hotfix agreed on the incident call'], env());
    expect(started.code).toBe(0);
    expect(started.json()).toMatchObject({
      pipelineKey: 'prod',
      createdBy: { bypass: true, bypassReason: 'hotfix agreed on the incident call' },
    });
  });

  it('trigger fire needs only the URL; an Idempotency-Key replays; a bad or unknown URL exits 1', async () => {
    const flag = await twoWayFlag();
    const created = ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers', {
        params: { path: { projectKey, flagKey: flag.key, envKey: 'staging' } },
        body: { name: 'kill switch', action: { kind: 'turnFlagOn' } },
      }),
    );
    const noConfig = { env: { GANTRY_URL: undefined, GANTRY_TOKEN: undefined } };
    const fired = await runCli(['trigger', 'fire', created.url, '--idempotency-key', 'alert-1', '--json'], noConfig);
    expect(fired.code).toBe(0);
    expect(fired.json()).toMatchObject({ triggerId: created.id, changed: true, replayed: false });
    expect((await flagIn(owner, projectKey, flag.key)).environments.staging.on).toBe(true);
    const replay = await runCli(['trigger', 'fire', created.url, '--idempotency-key', 'alert-1'], noConfig);
    expect(replay.stdout).toMatch(new RegExp(`^trigger ${created.id}: replayed the earlier answer`));

    const notUrl = await runCli(['trigger', 'fire', 'gtr_just-the-secret'], noConfig);
    expect([notUrl.code, notUrl.stderr]).toEqual([1, expect.stringContaining('is not a URL')]);
    const unknown = await runCli(
      ['trigger', 'fire', `${gantry.baseUrl}/api/v1/triggers/gtr_unknown`, '--json'],
      noConfig,
    );
    expect([unknown.code, unknown.json().error.code]).toEqual([1, 'trigger/not_found']);
  });

  it('audit list filters the log; audit verify exits 0, then 1 once an entry is edited in the database', async () => {
    const flag = await twoWayFlag();
    await factory.patchFlag(owner, projectKey, flag.key, {
      environmentKey: 'staging',
      instructions: [{ kind: 'turnFlagOn' }],
      comment: 'on for QA',
    });
    const resource = `proj/${projectKey}:env/staging:flag/${flag.key}`;
    const list = await runCli(['audit', 'list', '--resource', resource, '--json'], env());
    expect(list.code).toBe(0);
    expect(list.json().items[0]).toMatchObject({ resource, comment: 'on for QA', actor: { kind: 'member' } });
    const human = await runCli(['audit', 'list', '--resource', resource, '--limit', '1'], env());
    expect(human.stdout).toMatch(
      /^ID\s+AT\s+ACTOR\s+ACTION\s+RESOURCE\s+COMMENT\n\d+\s+\S+\s+.+\(member\)\s+\S+\s+proj\/\S+\s+on for QA\n/,
    );

    const intact = await runCli(['audit', 'verify', '--json'], env());
    expect(intact.code).toBe(0);
    expect(intact.json()).toMatchObject({ ok: true, checked: expect.any(Number) });
    const victim: string = list.json().items[0].id;
    await gantry.sql('UPDATE "AuditEntry" SET comment = $2 WHERE id = $1', [victim, 'nothing to see here']);
    const broken = await runCli(['audit', 'verify'], env());
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(new RegExp(`^✗ audit chain broken at entry ${victim}: `));
    const brokenJson = await runCli(['audit', 'verify', '--json'], env());
    expect([brokenJson.code, brokenJson.json()]).toEqual([
      1,
      expect.objectContaining({ ok: false, firstBrokenId: victim }),
    ]);
  });
});
