/**
 * Evaluation insights from real traffic: a LaunchDarkly Node SDK evaluates a flag and sends its
 * summary events, an OpenFeature-style caller evaluates through OFREP; the counts per variation,
 * the SDKs and the last evaluation time come back from the insights endpoint once the node flushes.
 * Bad queries are refused naming the field (a batch's single write: test/integration/insights-repository.spec.ts).
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, ldClient, sdkKeyOf } from '../../support/delivery';
import { factory, ok, type Flag, type Project } from '../../support/factories';

describe('evaluation insights', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let flag: Flag;
  let other: Flag; // off, never evaluated alone: counted only by OFREP bulk answers
  let sdkKey: string;

  const insights = (query: Record<string, string> = {}, flagKey = flag.key, envKey = 'production') =>
    owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/insights', {
      params: { path: { projectKey: project.key, flagKey, envKey }, query },
    });

  beforeAll(async () => {
    g = await startGantry({ role: 'all' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['production'] });
    flag = await factory.flag(owner, project.key, { variations: [false, true] });
    // On: `vip` is served false (variation 0), everyone else true (variation 1).
    await factory.patchFlag(owner, project.key, flag.key, {
      environmentKey: 'production',
      instructions: [
        { kind: 'turnFlagOn' },
        { kind: 'updateFallthroughVariationOrRollout', variationId: flag.variations[1]._id },
        { kind: 'addTargets', values: ['vip'], variationId: flag.variations[0]._id },
      ],
    });
    other = await factory.flag(owner, project.key, { variations: ['a', 'b', 'c'] });
    sdkKey = await sdkKeyOf(owner, project.key, 'production');
  });
  afterAll(() => g?.stop());

  it('counts what a real SDK evaluated, per variation, with the SDK named', async () => {
    const before = Date.now();
    const client = ldClient(g.baseUrl, sdkKey, { sendEvents: true, flushInterval: 3600 });
    try {
      await client.waitForInitialization({ timeout: 10 });
      for (let i = 0; i < 6; i++)
        expect(await client.variation(flag.key, { kind: 'user', key: `u${i}` }, null)).toBe(true);
      expect(await client.variation(flag.key, { kind: 'user', key: 'vip' }, null)).toBe(false);
      // An unknown flag is not counted for anyone.
      await client.variation('no-such-flag', { kind: 'user', key: 'u1' }, 'fallback');
      await client.flush();
    } finally {
      client.close();
    }

    const got = await eventually(
      async () => {
        const body = ok(await insights());
        expect(body.total).toBe(7);
        return body;
      },
      { timeoutMs: 15_000 },
    );
    expect(got.granularity).toBe('hour');
    expect(got.series).toHaveLength(24);
    const counted = got.series.filter((p) => p.total > 0);
    expect(counted).toHaveLength(1);
    expect(counted[0].counts).toEqual([
      { variation: 0, count: 1 },
      { variation: 1, count: 6 },
    ]);
    expect(got.variations.slice(0, 2).map((v) => [v.index, v.value])).toEqual([
      [0, false],
      [1, true],
    ]);
    expect(got.sdks).toEqual([
      { sdk: expect.stringMatching(/^NodeJSClient\//), count: 7, lastSeenAt: expect.any(String) },
    ]);
    expect(new Date(got.lastEvaluatedAt!).getTime()).toBeGreaterThanOrEqual(before - 1_000);
  });

  it('counts OFREP evaluations under the caller named by its User-Agent', async () => {
    for (const key of ['vip', 'a', 'b']) {
      const res = await g.raw('POST', `/ofrep/v1/evaluate/flags/${flag.key}`, {
        headers: { authorization: `Bearer ${sdkKey}`, 'user-agent': 'OpenFeature-JS/1.2.3' },
        body: { context: { targetingKey: key } },
      });
      expect(res.status).toBe(200);
    }
    const got = await eventually(
      async () => {
        const body = ok(
          await insights({ granularity: 'minute', from: new Date(Date.now() - 10 * 60_000).toISOString() }),
        );
        expect(body.sdks.find((s) => s.sdk === 'ofrep:OpenFeature-JS/1.2.3')?.count).toBe(3);
        return body;
      },
      { timeoutMs: 15_000 },
    );
    expect(got.total).toBe(10);
    const byVariation = new Map<number, number>();
    for (const p of got.series)
      for (const c of p.counts) byVariation.set(c.variation, (byVariation.get(c.variation) ?? 0) + c.count);
    expect(Object.fromEntries(byVariation)).toEqual({ 0: 2, 1: 8 });
  });

  it('counts every flag of an OFREP bulk answer, and the hour and day views agree with the minutes', async () => {
    for (const key of ['vip', 'x']) {
      const res = await g.raw('POST', '/ofrep/v1/evaluate/flags', {
        headers: { authorization: `Bearer ${sdkKey}`, 'user-agent': 'OpenFeature-Bulk/0.1' },
        body: { context: { targetingKey: key } },
      });
      expect(res.status).toBe(200);
    }
    const from = new Date(Date.now() - 10 * 60_000).toISOString();
    const bulkCount = (body: { sdks: { sdk: string; count: number }[] }) =>
      body.sdks.find((s) => s.sdk === 'ofrep:OpenFeature-Bulk/0.1')?.count;
    // `flag`: vip → variation 0, x → variation 1; `other` is off and serves its off variation (none set: no variation).
    await eventually(async () => expect(bulkCount(ok(await insights({ granularity: 'minute', from })))).toBe(2), {
      timeoutMs: 15_000,
    });
    const otherMinutes = ok(await insights({ granularity: 'minute', from }, other.key));
    expect([bulkCount(otherMinutes), otherMinutes.total]).toEqual([2, 2]);
    const minutes = ok(await insights({ granularity: 'minute', from }));
    for (const granularity of ['hour', 'day']) {
      const coarse = ok(await insights({ granularity, from }));
      expect([coarse.total, bulkCount(coarse)]).toEqual([minutes.total, 2]);
    }
  });

  it('refuses bad queries naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ granularity: 'week' }, 'granularity'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z' }, 'from'],
      [{ granularity: 'minute', from: '2020-01-01T00:00:00Z' }, 'from'],
    ];
    for (const [query, field] of cases) {
      const { response, error } = await insights(query);
      expect([response.status, error?.code, error?.errors?.[0]?.field]).toEqual([400, 'request/invalid', field]);
    }
    const noFlag = await insights({}, 'no-such-flag');
    expect([noFlag.response.status, noFlag.error?.code]).toEqual([404, 'flag/not_found']);
    const noEnv = await insights({}, flag.key, 'nowhere');
    expect([noEnv.response.status, noEnv.error?.code]).toEqual([404, 'environment/not_found']);
  });
});
