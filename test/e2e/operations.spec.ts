/**
 * What operators and load balancers rely on: liveness, readiness with its checks, Prometheus
 * metrics, and a request id on every response, errors included.
 */
import { startGantry, type Gantry } from '../support/app-harness';
import { eventually } from '../support/delivery';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('operations endpoints', () => {
  let gantry: Gantry;

  beforeAll(async () => {
    // info: the completion lines are what one test reads.
    gantry = await startGantry({ env: { LOG_LEVEL: 'info' } });
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it('GET /health/live answers 200 without credentials', async () => {
    const { data, response } = await gantry.client().GET('/health/live');
    expect(response.status).toBe(200);
    expect(data).toEqual({ status: 'ok' });
  });

  it('GET /health/ready answers 200 with every check ok', async () => {
    // The snapshots load in the background right after start: ready once they are.
    const res = await eventually(async () => {
      const r = await gantry.raw('GET', '/health/ready');
      expect(r.status).toBe(200);
      return r;
    });
    expect(res.body).toEqual({
      status: 'ok',
      ready: true,
      checks: { postgres: 'ok', redis: 'ok', migrations: 'ok', snapshots: 'ok' },
    });
  });

  it('GET /metrics exposes the HTTP latency histogram in the Prometheus text format', async () => {
    await gantry.raw('GET', '/health/live');
    const res = await gantry.raw('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toContain('# TYPE gantry_http_request_duration_seconds histogram');
    expect(res.text).toMatch(
      /^gantry_http_request_duration_seconds_count\{[^}]*route="\/health\/live"[^}]*\} [1-9]\d*$/m,
    );
  });

  it('logs the problem code and the actor on the completion line of a refused request', async () => {
    const res = await gantry.raw('GET', '/api/v1/projects/no-such-project', { token: gantry.ownerToken });
    expect(res.status).toBe(404);
    const me = await gantry.raw<{ id: string }>('GET', '/api/v1/me', { token: gantry.ownerToken });
    const lines = gantry
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { reqId?: string; msg?: string; res?: Record<string, unknown> });
    const completed = lines.find((l) => l.reqId === res.headers.get('x-request-id') && l.msg === 'request completed');
    expect(completed?.res).toEqual({ statusCode: 404, code: 'project/not_found', actorId: me.body.id });
  });

  it('starts without a warning on stderr (no FastifyWarning, no deprecation)', async () => {
    await gantry.raw('GET', '/health/ready');
    expect(gantry.stderr()).not.toMatch(/Warning|FSTWRN|DEP0/);
  });

  it('names the process metrics once: gantry_process_*, gantry_nodejs_*', async () => {
    const res = await gantry.raw('GET', '/metrics');
    expect(res.text).toContain('# TYPE gantry_process_cpu_seconds_total counter');
    expect(res.text).toContain('# TYPE gantry_nodejs_eventloop_lag_seconds gauge');
    expect(res.text).not.toContain('gantry_process_process_');
  });

  it('puts an x-request-id on every response, errors included', async () => {
    const token = gantry.ownerToken;
    const responses = {
      ok: await gantry.raw('GET', '/api/v1/me', { token }),
      unauthenticated: await gantry.raw('GET', '/api/v1/me'),
      unknownRoute: await gantry.raw('GET', '/api/v1/no-such-thing', { token }),
      notFound: await gantry.raw('GET', '/api/v1/projects/missing', { token }),
      malformed: await gantry.raw('POST', '/api/v1/projects', { token, body: '{"key":' }),
      tooLarge: await gantry.raw('POST', '/api/v1/projects', {
        token,
        body: { key: 'big', name: 'x'.repeat(2 * 1024 * 1024) },
      }),
      metrics: await gantry.raw('GET', '/metrics'),
    };
    expect(Object.fromEntries(Object.entries(responses).map(([name, r]) => [name, r.status]))).toEqual({
      ok: 200,
      unauthenticated: 401,
      unknownRoute: 404,
      notFound: 404,
      malformed: 400,
      tooLarge: 413,
      metrics: 200,
    });
    for (const [name, res] of Object.entries(responses)) {
      expect([name, res.headers.get('x-request-id')]).toEqual([name, expect.stringMatching(UUID)]);
    }
    const ids = Object.values(responses).map((r) => r.headers.get('x-request-id'));
    expect(new Set(ids).size).toBe(ids.length);
    // Errors are problem documents even when raised before routing or by the body parser.
    for (const name of ['unauthenticated', 'unknownRoute', 'notFound', 'malformed', 'tooLarge'] as const) {
      expect([name, responses[name].headers.get('content-type')]).toEqual([
        name,
        expect.stringMatching(/^application\/problem\+json/),
      ]);
    }
    expect(responses.unknownRoute.body.code).toBe('route/not_found');
    expect(responses.notFound.body.code).toBe('project/not_found');
  });

  it("keeps the caller's x-request-id when it is well-formed, and replaces it otherwise", async () => {
    const kept = await gantry.raw('GET', '/health/live', { headers: { 'x-request-id': 'deploy-42.check:1' } });
    expect(kept.headers.get('x-request-id')).toBe('deploy-42.check:1');
    const replaced = await gantry.raw('GET', '/health/live', {
      headers: { 'x-request-id': 'has spaces <and> brackets' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(UUID);
  });
});
