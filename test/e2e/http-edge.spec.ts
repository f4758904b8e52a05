/**
 * The HTTP edge: a body that is not JSON on a JSON route is a 415, an unknown property is named
 * in the problem, and what LaunchDarkly SDKs post to /bulk still goes through.
 */
import { startGantry, type Gantry } from '../support/app-harness';
import { sdkKeyOf } from '../support/delivery';
import { factory } from '../support/factories';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('HTTP edge', () => {
  let g: Gantry;
  let sdkKey: string;
  let flagKey: string;

  beforeAll(async () => {
    g = await startGantry();
    const api = g.client(g.ownerToken);
    await factory.project(api, { key: 'edge', environments: ['dev'] });
    flagKey = (await factory.flag(api, 'edge')).key;
    sdkKey = await sdkKeyOf(api, 'edge', 'dev');
  });

  afterAll(async () => {
    await g?.stop();
  });

  it.each([
    ['POST', '/api/v1/projects', 'text/plain', JSON.stringify({ key: 'p2', name: 'P2' })],
    [
      'PATCH',
      '/api/v1/projects/edge/flags/FLAG',
      'text/plain; charset=utf-8',
      '{"instructions":[{"kind":"addTags","values":["x"]}]}',
    ],
    ['POST', '/api/v1/webhooks', 'application/xml', '<webhook/>'],
    ['POST', '/api/v1/projects', 'application/x-www-form-urlencoded', 'key=p3&name=P3'],
  ])('%s %s with %s answers 415 request/unsupported_media_type, writing nothing', async (method, path, type, body) => {
    const res = await g.raw(method, path.replace('FLAG', flagKey), {
      token: g.ownerToken,
      headers: { 'content-type': type },
      body,
    });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(res.body).toMatchObject({ code: 'request/unsupported_media_type', status: 415 });
    const projects = await g.sql<{ key: string }>('SELECT "key" FROM "Project" ORDER BY "key"');
    expect(projects.map((p) => p.key)).toEqual(['edge']);
    expect((await g.sql('SELECT "definition"->\'tags\' AS tags FROM "Flag"'))[0].tags).toEqual([]);
  });

  it('names an unknown property in errors[] and in the detail', async () => {
    const res = await g.raw('POST', '/api/v1/projects', {
      token: g.ownerToken,
      body: { key: 'p4', name: 'P4', foo: 1, environments: [{ key: 'dev', name: 'Dev', colour: 'red' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'request/invalid' });
    expect(res.body.errors).toEqual([
      { field: 'foo', reason: 'unknown property' },
      { field: 'environments.0.colour', reason: 'unknown property' },
    ]);
    expect(res.body.detail).toBe('foo: unknown property; environments.0.colour: unknown property');

    const hook = await g.raw('POST', '/api/v1/webhooks', {
      token: g.ownerToken,
      body: { name: 'h', url: 'https://93.184.216.34/h', events: ['*'], secrett: 'typo' },
    });
    expect(hook.status).toBe(400);
    expect(hook.body.errors).toEqual([{ field: 'secrett', reason: 'unknown property' }]);
  });

  it('still takes what LaunchDarkly SDKs post to /bulk (JSON, with a charset or without)', async () => {
    const now = Date.now();
    const events = [
      { kind: 'index', creationDate: now, context: { kind: 'user', key: 'u1', name: 'U' } },
      {
        kind: 'summary',
        startDate: now - 1000,
        endDate: now,
        features: {
          [flagKey]: { default: false, contextKinds: ['user'], counters: [{ value: false, count: 2, unknown: true }] },
        },
      },
      { kind: 'custom', creationDate: now, key: 'checkout', contextKeys: { user: 'u1' }, data: { any: 'thing' } },
    ];
    for (const type of ['application/json', 'application/json; charset=utf-8']) {
      const res = await g.raw('POST', '/bulk', {
        headers: {
          authorization: sdkKey,
          'content-type': type,
          'user-agent': 'NodeJSClient/9.0.0',
          'x-launchdarkly-event-schema': '4',
          'x-launchdarkly-payload-id': '7d6f0c8e-5b1a-4c1e-9d7e-1f2a3b4c5d6e',
        },
        body: events,
      });
      expect([type, res.status]).toEqual([type, 202]);
    }
  });
});
