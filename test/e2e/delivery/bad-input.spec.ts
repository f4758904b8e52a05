/**
 * SDK surfaces under bad input and bad clients: OFREP's error bodies for malformed requests and
 * contexts, body limits, credentials on every SDK endpoint, SSE resumption with Last-Event-ID, and
 * clients that stop reading their stream (they are cut off, the process stays healthy).
 */
import net from 'node:net';
import { startGantry, type ApiClient, type Gantry, type RawResponse } from '../../support/app-harness';
import { eventually, metricValue, sdkKeyOf } from '../../support/delivery';
import { factory } from '../../support/factories';
import { holdGuardedRelease } from '../../support/guard-events';
import { openSse, sseJson, type SseStream } from '../../support/sse';

const P = 'bad';
const E = 'production';

describe('SDK delivery under bad input', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let sdkKey: string;
  let eventsKey: string; // an environment with a guarded release, where /bulk stores events
  const streams: SseStream[] = [];

  const ofrep = (
    path: string,
    body: unknown,
    headers: Record<string, string> = { authorization: `Bearer ${sdkKey}` },
  ) => gantry.raw('POST', `/ofrep/v1/evaluate/${path}`, { headers, body });
  const toggle = (flagKey: string, on: boolean, projectKey = P) =>
    factory.patchFlag(api, projectKey, flagKey, {
      environmentKey: E,
      instructions: [{ kind: on ? 'turnFlagOn' : 'turnFlagOff' }],
    });
  const metrics = async () => (await gantry.raw<string>('GET', '/metrics')).text;
  const open = async (key: string, lastEventId?: string) => {
    const s = await openSse(gantry.baseUrl, key, { lastEventId });
    streams.push(s);
    expect(s.status).toBe(200);
    return s;
  };

  /** An OFREP error: status, JSON, `errorCode`, and `key` when the flag is known. */
  const expectOfrepError = (res: RawResponse<any>, status: number, errorCode: string, key?: string) => {
    expect({ status: res.status, errorCode: res.body?.errorCode }).toEqual({ status, errorCode });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    if (key === undefined) expect(res.body).not.toHaveProperty('key');
    else expect(res.body.key).toBe(key);
  };

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: [E] });
    sdkKey = await sdkKeyOf(api, P, E);
    await factory.flag(api, P, { key: 'f' });
    await toggle('f', true);
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    await gantry?.stop();
  });

  describe('OFREP', () => {
    it('malformed JSON is PARSE_ERROR', async () => {
      expectOfrepError(await ofrep('flags/f', '{"context": {"targetingKey": "u1"'), 400, 'PARSE_ERROR', 'f');
      expectOfrepError(await ofrep('flags', '{"context": '), 400, 'PARSE_ERROR');
    });

    it('a body that is not an object is PARSE_ERROR', async () => {
      for (const body of ['[1, 2]', '"u1"', '42', 'null']) {
        const res = await ofrep('flags/f', body);
        expect({ body, status: res.status, errorCode: res.body?.errorCode }).toEqual({
          body,
          status: 400,
          errorCode: 'PARSE_ERROR',
        });
      }
    });

    it('a context that is not an object, or a targetingKey that is not a string, is INVALID_CONTEXT', async () => {
      expectOfrepError(await ofrep('flags/f', { context: 'u1' }), 400, 'INVALID_CONTEXT', 'f');
      expectOfrepError(await ofrep('flags/f', { context: ['u1'] }), 400, 'INVALID_CONTEXT', 'f');
      expectOfrepError(await ofrep('flags/f', { context: { targetingKey: 42 } }), 400, 'INVALID_CONTEXT', 'f');
      expectOfrepError(await ofrep('flags', { context: 'u1' }), 400, 'INVALID_CONTEXT');
    });

    it('an invalid context kind is INVALID_CONTEXT', async () => {
      for (const kind of ['kind', 'a b', 'multi', '', 'ü', 7]) {
        const res = await ofrep('flags/f', { context: { targetingKey: 'u1', kind } });
        expect({ kind, status: res.status, errorCode: res.body?.errorCode, key: res.body?.key }).toEqual({
          kind,
          status: 400,
          errorCode: 'INVALID_CONTEXT',
          key: 'f',
        });
      }
      expectOfrepError(await ofrep('flags', { context: { targetingKey: 'u1', kind: 'kind' } }), 400, 'INVALID_CONTEXT');
    });

    it('no context or no targeting key is TARGETING_KEY_MISSING', async () => {
      for (const body of [
        {},
        { context: null },
        { context: {} },
        { context: { targetingKey: '' } },
        { context: { plan: 'pro' } },
      ]) {
        const res = await ofrep('flags/f', body);
        expect({ body, status: res.status, errorCode: res.body?.errorCode }).toEqual({
          body,
          status: 400,
          errorCode: 'TARGETING_KEY_MISSING',
        });
      }
    });

    it('a body above the limit is refused with 413; a large one below it is evaluated', async () => {
      const huge = await ofrep('flags/f', { context: { targetingKey: 'u1', blob: 'x'.repeat(1_100_000) } });
      expect(huge.status).toBe(413);
      if (huge.text) expect(huge.body).toMatchObject({ key: 'f', errorCode: expect.any(String) });

      const large = await ofrep('flags/f', {
        context: {
          targetingKey: 'u1',
          blob: 'x'.repeat(900_000),
          list: Array.from({ length: 150 }, (_, i) => `item-${i}`),
        },
      });
      expect(large.status).toBe(200);
      expect(large.body).toMatchObject({ key: 'f', value: true, reason: 'STATIC' });
      const largeBulk = await ofrep('flags', { context: { targetingKey: 'u1', blob: 'y'.repeat(900_000) } });
      expect(largeBulk.status).toBe(200);
    });

    it('an unknown flag is 404 FLAG_NOT_FOUND with its key', async () => {
      const res = await ofrep('flags/nope', { context: { targetingKey: 'u1' } });
      expectOfrepError(res, 404, 'FLAG_NOT_FOUND', 'nope');
      expect(res.body.errorDetails).toEqual(expect.any(String));
    });
  });

  describe('credentials', () => {
    const WRONG = 'sdk-00000000-0000-4000-8000-000000000000';

    it('OFREP answers 401 without a body to a wrong or missing key', async () => {
      const context = { context: { targetingKey: 'u1' } };
      for (const headers of [
        { authorization: `Bearer ${WRONG}` },
        { 'x-api-key': WRONG },
        { authorization: 'Bearer ' },
        {} as Record<string, string>,
      ]) {
        for (const path of ['flags/f', 'flags']) {
          const res = await ofrep(path, context, headers);
          expect({ headers, path, status: res.status, body: res.text }).toEqual({
            headers,
            path,
            status: 401,
            body: '',
          });
        }
      }
    });

    it('the LaunchDarkly endpoints answer 401 to a wrong or missing key', async () => {
      for (const headers of [{ authorization: WRONG }, {} as Record<string, string>]) {
        const results = {
          stream: (await gantry.raw('GET', '/all', { headers })).status,
          poll: (await gantry.raw('GET', '/sdk/latest-all', { headers })).status,
          bulk: (await gantry.raw('POST', '/bulk', { headers, body: [] })).status,
          diagnostic: (await gantry.raw('POST', '/diagnostic', { headers, body: { kind: 'diagnostic-init' } })).status,
        };
        expect({ headers, results }).toEqual({
          headers,
          results: { stream: 401, poll: 401, bulk: 401, diagnostic: 401 },
        });
      }
      // The right key, for contrast.
      const res = await gantry.raw('POST', '/diagnostic', {
        headers: { authorization: sdkKey },
        body: { kind: 'diagnostic-init' },
      });
      expect(res.status).toBe(202);
    });
  });

  describe('events', () => {
    it('/bulk refuses a body that is not a JSON array', async () => {
      for (const body of [{ kind: 'custom', key: 'k' }, '"events"', '{"kind": "custom"']) {
        const res = await gantry.raw('POST', '/bulk', { headers: { authorization: sdkKey }, body });
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      const [{ n }] = await gantry.sql('SELECT count(*)::int AS n FROM "SdkEvent"');
      expect(n).toBe(0);
    });

    it('/bulk skips entries that are not events, and stores the rest that a guarded release reads', async () => {
      // Events are stored only for a guarded release: one watching metric `k` on flag `guarded`, in a
      // project of its own (its steps would be changes the SSE tests below would see).
      await factory.project(api, { key: 'bad-events', environments: [E] });
      await holdGuardedRelease(api, 'bad-events', E, await factory.flag(api, 'bad-events', { key: 'guarded' }), ['k']);
      eventsKey = await sdkKeyOf(api, 'bad-events', E);
      const res = await gantry.raw('POST', '/bulk', {
        headers: { authorization: eventsKey },
        body: [
          null,
          5,
          'x',
          [],
          { kind: 'custom', key: 'k', contextKeys: { user: 'u1' }, metricValue: 'NaN', creationDate: 'yesterday' },
          { kind: 'index', context: { kind: 'user', key: 'u1' } },
          { kind: 'feature', key: 'guarded', contextKeys: { user: 'u1' }, variation: 1 },
          // No guard reads these: counted, not stored.
          { kind: 'custom', key: 'unwatched', contextKeys: { user: 'u1' } },
          { kind: 'feature', key: 'other-flag', contextKeys: { user: 'u1' }, variation: 0 },
        ],
      });
      expect(res.status).toBe(202);
      const rows = await gantry.sql('SELECT "kind", "key", "metricValue" FROM "SdkEvent" ORDER BY "id"');
      expect(rows).toEqual([
        { kind: 'custom', key: 'k', metricValue: null },
        { kind: 'feature', key: 'guarded', metricValue: null },
      ]);
    });

    it('/bulk stores what PostgreSQL cannot hold as it can: NUL as U+FFFD, a date out of range as the receipt time', async () => {
      const before = Date.now();
      const res = await gantry.raw('POST', '/bulk', {
        headers: { authorization: eventsKey },
        body: [
          {
            kind: 'custom',
            key: 'k',
            contextKeys: { user: 'nul-u\u0000' },
            data: { 'a\u0000': 'b\u0000' },
            creationDate: 1e20,
          },
          // A key with NUL is no metric a guard watches: not stored, and no error.
          { kind: 'custom', key: 'k\u0000', contextKeys: { user: 'nul-u' } },
        ],
      });
      expect(res.status).toBe(202);
      const rows = await gantry.sql(
        `SELECT "key", "contextKeys", "payload"->'data' AS data, "createdAt" FROM "SdkEvent"
         WHERE "contextKeys"->>'user' LIKE 'nul%'`,
      );
      expect(rows).toEqual([
        {
          key: 'k',
          contextKeys: { user: 'nul-u\uFFFD' },
          data: { 'a\uFFFD': 'b\uFFFD' },
          createdAt: expect.any(Date),
        },
      ]);
      expect(rows[0].createdAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    });
  });

  describe('SSE resumption', () => {
    it('a reconnect with Last-Event-ID gets exactly the events it missed, and no put', async () => {
      const first = await open(sdkKey);
      const put = await first.next();
      expect(put.event).toBe('put');
      const revision = Number(put.id);
      first.close();

      await toggle('f', false);
      await toggle('f', true);

      const resumed = await open(sdkKey, put.id);
      const missed = [await resumed.next(), await resumed.next()];
      expect(missed.map((e) => [e.event, e.id, sseJson(e).data.on])).toEqual([
        ['patch', String(revision + 1), false],
        ['patch', String(revision + 2), true],
      ]);
      // Nothing else came in between: the next event is the next change.
      await toggle('f', false);
      const next = await resumed.next();
      expect([next.event, next.id]).toEqual(['patch', String(revision + 3)]);
      resumed.close();
    });

    it('an unusable Last-Event-ID gets a full put', async () => {
      for (const lastEventId of ['abc', '-1', '99999999', '']) {
        const s = await open(sdkKey, lastEventId);
        const e = await s.next();
        expect({ lastEventId, event: e.event }).toEqual({ lastEventId, event: 'put' });
        expect(sseJson(e)).toMatchObject({ path: '/', data: { flags: { f: expect.any(Object) }, segments: {} } });
        s.close();
      }
    });
  });

  describe('clients that stop reading', () => {
    const SLOW = 'slow';
    const SLOW_CLIENTS = 3;
    const sockets: net.Socket[] = [];

    afterAll(() => {
      for (const s of sockets) s.destroy();
    });

    it('are disconnected once their queue is over the limit, while readers and the process carry on', async () => {
      // A project of its own, so only these streams carry the big flag. Each change of it is an
      // event of ~840 KB (14 variations of 60 000 characters).
      await factory.project(api, { key: SLOW, environments: [E] });
      const slowKey = await sdkKeyOf(api, SLOW, E);
      const variations = Array.from({ length: 14 }, (_, i) => `${String.fromCharCode(97 + i)}${'v'.repeat(59_999)}`);
      await factory.flag(api, SLOW, { key: 'big', variations });

      // The streams of earlier tests are closed (the server may take a moment to notice).
      await eventually(async () => expect(metricValue(await metrics(), 'gantry_sdk_streams')).toBe(0));
      const streamsBefore = 0;
      const slowBefore = metricValue(await metrics(), 'gantry_sse_slow_clients_total');

      // Raw connections that send the request and then never read a byte.
      const port = Number(new URL(gantry.baseUrl).port);
      const closed: Promise<void>[] = [];
      for (let i = 0; i < SLOW_CLIENTS; i++) {
        const socket = net.connect(port, '127.0.0.1');
        sockets.push(socket);
        socket.on('error', () => undefined);
        closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
        socket.write(
          `GET /all HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${slowKey}\r\nAccept: text/event-stream\r\n\r\n`,
        );
      }
      const reader = await open(slowKey);
      expect((await reader.next()).event).toBe('put');
      await eventually(async () =>
        expect(metricValue(await metrics(), 'gantry_sdk_streams')).toBe(streamsBefore + SLOW_CLIENTS + 1),
      );

      // Push big events until the server has given up on every non-reading client (bounded).
      let on = false;
      for (let i = 0; i < 60; i++) {
        on = !on;
        const version = (await toggle('big', on, SLOW)).environments[E].version;
        const patch = await reader.next((e) => e.event === 'patch', 20_000);
        expect(sseJson(patch).data).toMatchObject({ key: 'big', version, on });
        if (metricValue(await metrics(), 'gantry_sse_slow_clients_total') >= slowBefore + SLOW_CLIENTS) break;
      }
      expect(metricValue(await metrics(), 'gantry_sse_slow_clients_total')).toBe(slowBefore + SLOW_CLIENTS);

      // Their connections were closed: a client that drains what was queued then sees the end.
      for (const socket of sockets) socket.resume();
      await Promise.all(closed);
      await eventually(async () => expect(metricValue(await metrics(), 'gantry_sdk_streams')).toBe(streamsBefore + 1));

      // The reading client is still connected and current, and the process is healthy.
      const last = await toggle('big', !on, SLOW);
      expect(sseJson(await reader.next((e) => e.event === 'patch', 20_000)).data).toMatchObject({
        version: last.environments[E].version,
        on: !on,
      });
      expect((await gantry.raw('GET', '/health/live')).status).toBe(200);
      expect((await gantry.raw('GET', '/health/ready')).status).toBe(200);
      const evaluation = await gantry.raw('POST', '/ofrep/v1/evaluate/flags/f', {
        headers: { authorization: `Bearer ${sdkKey}` },
        body: { context: { targetingKey: 'u1' } },
      });
      expect(evaluation.status).toBe(200);
      const fresh = await open(slowKey);
      expect(sseJson(await fresh.next()).data.flags.big).toMatchObject({ version: last.environments[E].version });
      fresh.close();
      reader.close();
    });
  });
});
