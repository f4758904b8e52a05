/**
 * A network delay of 500 ms on either store (DESIGN §6): Gantry reaches PostgreSQL and Redis through
 * fault proxies (support/fault-proxy.ts; 500 ms each way per chunk, so every round trip takes a
 * second longer). With PostgreSQL slow, then Redis slow: writes still succeed (slowly), a scheduled
 * change still applies once, SDK streams (raw SSE and the LaunchDarkly SDK) still receive every
 * change, OFREP answers from the snapshot, and nothing errors: every answer is a success and the
 * process logs no error.
 */
import type { LDClient } from '@launchdarkly/node-server-sdk';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, ldClient, sdkKeyOf } from '../../support/delivery';
import { postgresFaultProxy, redisFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { factory, ok, type Flag } from '../../support/factories';
import { openSse, sseJson, type SseStream } from '../../support/sse';

const P = 'slow';
const E = 'production';
const DELAY_MS = 500;

describe('a network delay of 500 ms on either store', () => {
  let g: Gantry;
  let api: ApiClient;
  let pgLink: FaultProxy;
  let redisLink: FaultProxy;
  let sdkKey: string;
  let flag: Flag;
  let stream: SseStream;
  let sdk: LDClient;
  let lastId: bigint;

  beforeAll(async () => {
    pgLink = await postgresFaultProxy();
    redisLink = await redisFaultProxy();
    g = await startGantry({ role: 'all', postgresPort: pgLink.port, redisPort: redisLink.port });
    api = g.client(g.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    sdkKey = await sdkKeyOf(api, P, E);
    flag = await factory.flag(api, P, {
      key: 'tempo',
      variations: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    await factory.patchFlag(api, P, flag.key, { environmentKey: E, instructions: [{ kind: 'turnFlagOn' }] });
    stream = await openSse(g.baseUrl, sdkKey);
    lastId = BigInt((await stream.next((e) => e.event === 'put')).id!);
    sdk = ldClient(g.baseUrl, sdkKey);
    await sdk.waitForInitialization({ timeout: 20 });
  }, 120_000);

  afterAll(async () => {
    stream?.close();
    sdk?.close();
    await pgLink?.heal();
    await redisLink?.heal();
    await g?.stop();
    await pgLink?.close();
    await redisLink?.close();
  });

  /** Error-level lines (pino level ≥ 50) the process has logged. */
  const errorLines = () =>
    g
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg?: string })
      .filter((l) => l.level >= 50);

  const ofrep = () =>
    g.raw<{ value: unknown }>('POST', `/ofrep/v1/evaluate/flags/${flag.key}`, {
      headers: { authorization: `Bearer ${sdkKey}` },
      body: { context: { targetingKey: 'u1' } },
    });

  /** Serves variation `i` through the fallthrough, as a write through the management API. */
  const serve = (i: number) =>
    api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: P, flagKey: flag.key } },
      body: {
        environmentKey: E,
        instructions: [{ kind: 'updateFallthroughVariationOrRollout', variationId: flag.variations[i]._id }],
      },
    });

  /** Writes through the slow link, then checks that every surface has each change and nothing failed. */
  async function changesGoThrough(first: number) {
    const errorsBefore = errorLines().length;
    // Two writes one after the other, and two at once on the same flag (they queue on its lock).
    const results = [await serve(first), await serve(first + 1)];
    results.push(...(await Promise.all([serve(first + 2), serve(first + 3)])));
    // On failure, the server's error lines say why.
    for (const r of results)
      expect({ status: r.response.status, error: r.error, log: r.error ? errorLines() : [] }).toEqual({
        status: 200,
        error: undefined,
        log: [],
      });
    const versions = results.map((r) => r.data!.environments[E].version);
    expect(new Set(versions).size).toBe(4);
    const finalVersion = Math.max(...versions);
    const finalValue = (
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: P, flagKey: flag.key } },
      })
    ).data!.environments[E].fallthrough;
    const expected = flag.variations[(finalValue as { variation: number }).variation].value;

    // The stream gets the four patches, in revision order, each once.
    const patches = [];
    for (let i = 0; i < 4; i++) patches.push(await stream.next((e) => e.event === 'patch', 30_000));
    expect(patches.map((e) => BigInt(e.id!))).toEqual([lastId + 1n, lastId + 2n, lastId + 3n, lastId + 4n]);
    expect(patches.map((e) => sseJson(e).data.version)).toEqual([...versions].sort((a, b) => a - b));
    lastId += 4n;
    expect(sseJson(patches[3]).data).toMatchObject({ key: flag.key, version: finalVersion });

    // The SDK converges; OFREP answers from the snapshot with the same value.
    await eventually(
      async () => expect(await sdk.variation(flag.key, { kind: 'user', key: 'u1' }, 'x')).toBe(expected),
      {
        timeoutMs: 30_000,
      },
    );
    const answer = await ofrep();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ value: expected });

    // A scheduled change through the slow link applies, once.
    const s = ok(
      await api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
        params: { path: { projectKey: P, flagKey: flag.key, envKey: E } },
        body: {
          instructions: [{ kind: 'addTargets', variationId: flag.variations[7]._id, values: [`t${first}`] }],
          executionDate: new Date(Date.now() + 6_000).toISOString(),
        },
      }),
    );
    const applied = await eventually(
      async () => {
        const [row] = await g.sql(`SELECT status, "appliedVersion" FROM "ScheduledChange" WHERE id = $1::uuid`, [s.id]);
        expect(row.status).toBe('applied');
        return row;
      },
      { timeoutMs: 40_000 },
    );
    expect(applied.appliedVersion).toBe(finalVersion + 1);
    const scheduledPatch = await stream.next((e) => e.event === 'patch', 30_000);
    expect(BigInt(scheduledPatch.id!)).toBe(lastId + 1n);
    lastId += 1n;

    expect(errorLines().slice(errorsBefore)).toEqual([]);
  }

  it('PostgreSQL 500 ms away: writes succeed slowly, streams and OFREP get every change, nothing errors', async () => {
    pgLink.delay(DELAY_MS);
    try {
      await changesGoThrough(1);
    } finally {
      await pgLink.heal();
    }
  }, 150_000);

  it('Redis 500 ms away: writes succeed, streams and OFREP get every change, nothing errors', async () => {
    redisLink.delay(DELAY_MS);
    try {
      await changesGoThrough(2);
    } finally {
      await redisLink.heal();
    }
  }, 150_000);
});
