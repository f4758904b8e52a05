/**
 * Deploy signals end to end: CI (a service token) records a deployment of a service to an
 * environment; the answer names the live flags linked to the service (by their `services` list or a
 * `service.<name>` tag) and what the listeners did. Two test listeners are preloaded into the
 * process (test/support/deployment-listeners.js): one always fails, one echoes what it received, so
 * the answer shows what release plans would be told, and that a failing listener fails nothing.
 * Repeats within the window start nothing; listings per environment and per flag page by cursor;
 * bad input is refused field by field with nothing written; readers may list but not record.
 */
import path from 'node:path';
import type { paths } from '../../openapi/schema';
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok, uniqueKey, type Project, type Schemas } from '../support/factories';
import { eventually } from '../support/delivery';
import { auditOf, serviceTokenWithClient } from '../support/governance';
import { startReceiver, type Receiver } from '../support/webhook-receiver';

type Recorded = Schemas['RecordedDeploymentDto'];
type Body = Schemas['RecordDeploymentDto'];
type EnvQuery = NonNullable<
  paths['/api/v1/projects/{projectKey}/environments/{envKey}/deployments']['get']['parameters']['query']
>;
type FlagQuery = NonNullable<
  paths['/api/v1/projects/{projectKey}/flags/{flagKey}/deployments']['get']['parameters']['query']
>;

const LISTENERS = path.join(__dirname, '..', 'support', 'deployment-listeners.js');
const SHA = '3f786850e387550fdab836ed7e6dc881de23001b';

describe('deploy signals', () => {
  let g: Gantry;
  let owner: ApiClient;
  let ci: Awaited<ReturnType<typeof serviceTokenWithClient>>;
  let reader: Awaited<ReturnType<typeof serviceTokenWithClient>>;
  let project: Project;
  let receiver: Receiver;
  const keys = { byTag: '', byList: '', searchOnly: '', archived: '', unlinked: '' };

  beforeAll(async () => {
    receiver = await startReceiver();
    g = await startGantry({
      env: { LOG_LEVEL: 'info', NODE_OPTIONS: `--require ${LISTENERS}`, GANTRY_OUTBOUND_ALLOW: '127.0.0.1' },
    });
    owner = g.client(g.ownerToken);
    ok(
      await owner.POST('/api/v1/webhooks', {
        body: { name: 'deploys', url: receiver.url, events: ['deployment.recorded'] },
      }),
    );
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    [ci, reader] = await Promise.all([
      serviceTokenWithClient(g, owner, 'writer'),
      serviceTokenWithClient(g, owner, 'reader'),
    ]);
    // Keys sort in this order (a-, b-, …), so expected lists are written out, not computed.
    keys.byTag = (
      await factory.flag(owner, project.key, { key: uniqueKey('a-by-tag'), tags: ['service.checkout', 'team-pay'] })
    ).key;
    keys.byList = (await factory.flag(owner, project.key, { key: uniqueKey('b-by-list') })).key;
    await factory.patchFlag(owner, project.key, keys.byList, {
      instructions: [{ kind: 'setServices', values: ['search', 'checkout'] }],
    });
    keys.searchOnly = (
      await factory.flag(owner, project.key, { key: uniqueKey('c-search'), tags: ['service.search'] })
    ).key;
    keys.archived = (
      await factory.flag(owner, project.key, { key: uniqueKey('d-archived'), tags: ['service.checkout'] })
    ).key;
    // Archiving changes what production (critical: approval required) serves: break-glass for the owner.
    await factory.patchFlag(
      owner,
      project.key,
      keys.archived,
      { instructions: [{ kind: 'archiveFlag' }] },
      { bypassReason: 'test set-up' },
    );
    keys.unlinked = (await factory.flag(owner, project.key, { key: uniqueKey('e-plain'), tags: ['checkout'] })).key;
  });
  afterAll(async () => {
    await g?.stop();
    await receiver?.close();
  });

  const send = (api: ApiClient, body: Body) =>
    api.POST('/api/v1/projects/{projectKey}/deployments', { params: { path: { projectKey: project.key } }, body });
  const rows = async () => Number((await g.sql('SELECT count(*)::int AS n FROM "Deployment"'))[0].n);
  const listEnv = (envKey: string, query: EnvQuery = {}, api = owner) =>
    api.GET('/api/v1/projects/{projectKey}/environments/{envKey}/deployments', {
      params: { path: { projectKey: project.key, envKey }, query },
    });
  const listFlag = (flagKey: string, query: FlagQuery = {}) =>
    owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/deployments', {
      params: { path: { projectKey: project.key, flagKey }, query },
    });

  it('a flag shows its explicit services', async () => {
    const flag = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: project.key, flagKey: keys.byList } },
      }),
    );
    expect(flag.services).toEqual(['checkout', 'search']);
    const gql = await g.raw('POST', '/graphql', {
      token: g.ownerToken,
      body: {
        query: 'query($p: String!, $k: String!) { flag(projectKey: $p, key: $k) { services } }',
        variables: { p: project.key, k: keys.byList },
      },
    });
    expect(gql.body).toEqual({ data: { flag: { services: ['checkout', 'search'] } } });
  });

  let first: Recorded;
  it('records a deployment from a service token and tells the listeners, with the linked live flags', async () => {
    const res = await send(ci.api, {
      environment: 'staging',
      service: 'checkout',
      version: '1.42.0',
      commitSha: SHA.toUpperCase(),
      url: 'https://ci.example.com/runs/101',
    });
    expect(res.response.status).toBe(201);
    first = res.data!;
    expect(first).toMatchObject({
      projectKey: project.key,
      environmentKey: 'staging',
      service: 'checkout',
      version: '1.42.0',
      commitSha: SHA,
      url: 'https://ci.example.com/runs/101',
      actor: { kind: 'token', id: ci.id },
      flagKeys: [keys.byTag, keys.byList],
      repeated: false,
    });
    // The failing listener ran first and threw; the echo listener's effects still came back.
    const detail = {
      deploymentId: first.id,
      projectKey: project.key,
      environmentKey: 'staging',
      service: 'checkout',
      version: '1.42.0',
      actorKind: 'token',
    };
    expect(first.effects).toEqual([
      { flagKey: keys.byTag, kind: 'test.seen', detail },
      { flagKey: keys.byList, kind: 'test.seen', detail },
    ]);
    const [row] = await g.sql('SELECT service, version, "commitSha", url FROM "Deployment" WHERE id = $1', [first.id]);
    expect(row).toEqual({
      service: 'checkout',
      version: '1.42.0',
      commitSha: SHA,
      url: 'https://ci.example.com/runs/101',
    });
    expect(g.stdout()).toContain('test listener failing on purpose');
  });

  it('audits it and counts it', async () => {
    const entries = await auditOf(owner, `proj/${project.key}:env/staging`, 'recordDeployment');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { kind: 'token', id: ci.id },
      after: { service: 'checkout', version: '1.42.0', commitSha: SHA },
    });
    const logged = g
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"deployment recorded"') && line.includes(first.id));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ service: 'checkout', version: '1.42.0', environment: 'staging' });
    const metrics = (await g.raw<string>('GET', '/metrics')).text;
    expect(metrics).toMatch(/gantry_deployments_total\{outcome="recorded",critical="false"\} 1\b/);
  });

  it('sends a deployment.recorded webhook with the answer', async () => {
    const delivered = await eventually(() => {
      const found = receiver.received.map((r) => JSON.parse(r.body)).find((b) => b.data?.id === first.id);
      expect(found).toBeDefined();
      return found;
    });
    expect(delivered).toMatchObject({
      event: 'deployment.recorded',
      data: { service: 'checkout', version: '1.42.0', flagKeys: [keys.byTag, keys.byList], repeated: false },
    });
    expect(delivered.data.effects).toHaveLength(2);
  });

  it('answers a repeat of the same signal with the same deployment and starts nothing', async () => {
    const before = await rows();
    const res = await send(ci.api, { environment: 'staging', service: 'checkout', version: '1.42.0' });
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ id: first.id, repeated: true, effects: [], flagKeys: [keys.byTag, keys.byList] });
    expect(await rows()).toBe(before);
    // Another version, or the same version elsewhere, is a new deployment.
    const next = await send(ci.api, { environment: 'staging', service: 'checkout', version: '1.43.0' });
    expect(next.response.status).toBe(201);
    const prod = await send(ci.api, { environment: 'production', service: 'checkout', version: '1.42.0' });
    expect(prod.response.status).toBe(201);
    expect(prod.data!.effects.map((e) => e.detail.environmentKey)).toEqual(['production', 'production']);
    expect(await rows()).toBe(before + 2);
  });

  it('records one deployment when the same signal arrives several times at once', async () => {
    const before = await rows();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        send(ci.api, { environment: 'production', service: 'checkout', version: '1.43.0' }),
      ),
    );
    expect(answers.map((a) => a.response.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.data!.id)).size).toBe(1);
    expect(answers.filter((a) => a.data!.effects.length > 0)).toHaveLength(1);
    expect(await rows()).toBe(before + 1);
  });

  it('tells listeners only about flags linked to the deployed service', async () => {
    const res = ok(await send(ci.api, { environment: 'staging', service: 'search', version: '7' }));
    expect(res.flagKeys).toEqual([keys.byList, keys.searchOnly]);
    expect(res.effects.map((e) => [e.flagKey, e.detail.service])).toEqual([
      [keys.byList, 'search'],
      [keys.searchOnly, 'search'],
    ]);
    const none = ok(await send(ci.api, { environment: 'staging', service: 'billing', version: '1' }));
    expect(none).toMatchObject({ flagKeys: [], effects: [] });
  });

  it('lists an environment newest first, by service, a page at a time', async () => {
    const all = ok(await listEnv('staging'));
    expect(all.items.map((d) => `${d.service}@${d.version}`)).toEqual([
      'billing@1',
      'search@7',
      'checkout@1.43.0',
      'checkout@1.42.0',
    ]);
    expect(all.next).toBeNull();
    const checkout = ok(await listEnv('staging', { service: 'checkout', limit: 1 }));
    expect(checkout.items.map((d) => d.version)).toEqual(['1.43.0']);
    expect(checkout.next).not.toBeNull();
    const page2 = ok(await listEnv('staging', { service: 'checkout', limit: 1, before: checkout.next! }));
    expect(page2.items.map((d) => d.version)).toEqual(['1.42.0']);
    expect(page2.next).toBeNull();
    expect(ok(await listEnv('production')).items.map((d) => d.version)).toEqual(['1.43.0', '1.42.0']);
    const bad = await listEnv('staging', { before: 'yesterday' });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toMatchObject({ code: 'deployment/invalid_cursor' });
  });

  it("shows on a flag's timeline the deployments of the services linked to it", async () => {
    const byTag = ok(await listFlag(keys.byTag));
    expect(byTag.items.map((d) => `${d.environmentKey}:${d.service}@${d.version}`)).toEqual([
      'production:checkout@1.43.0',
      'production:checkout@1.42.0',
      'staging:checkout@1.43.0',
      'staging:checkout@1.42.0',
    ]);
    const byList = ok(await listFlag(keys.byList, { environment: 'staging' }));
    expect(byList.items.map((d) => `${d.service}@${d.version}`)).toEqual([
      'search@7',
      'checkout@1.43.0',
      'checkout@1.42.0',
    ]);
    expect(ok(await listFlag(keys.unlinked)).items).toEqual([]);
    const missing = await listFlag('no-such-flag');
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: 'flag/not_found' });
  });

  it('refuses readers (403) and callers without a token (401); readers may list', async () => {
    const before = await rows();
    const refused = await send(reader.api, { environment: 'staging', service: 'checkout', version: '9' });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'auth/forbidden' });
    const anonymous = await send(g.client(), { environment: 'staging', service: 'checkout', version: '9' });
    expect(anonymous.response.status).toBe(401);
    expect(await rows()).toBe(before);
    expect((await listEnv('staging', {}, reader.api)).response.status).toBe(200);
  });

  it('refuses bad input field by field, writing nothing', async () => {
    const before = await rows();
    const cases: [Partial<Body>, number, string][] = [
      [{ environment: 'nowhere' }, 404, 'environment/not_found'],
      [{ service: '' }, 400, 'deployment/invalid_service'],
      [{ service: 'a'.repeat(65) }, 400, 'deployment/invalid_service'],
      [{ service: 'check out' }, 400, 'deployment/invalid_service'],
      [{ version: '' }, 400, 'deployment/invalid_version'],
      [{ version: 'v'.repeat(129) }, 400, 'deployment/invalid_version'],
      [{ version: '1.0; rm -rf' }, 400, 'deployment/invalid_version'],
      [{ commitSha: 'abc12' }, 400, 'deployment/invalid_commit_sha'],
      [{ commitSha: 'zzzzzzz' }, 400, 'deployment/invalid_commit_sha'],
      [{ url: 'ftp://ci.example.com/1' }, 400, 'deployment/invalid_url'],
      [{ url: 'not a url' }, 400, 'deployment/invalid_url'],
    ];
    for (const [change, status, code] of cases) {
      const res = await send(ci.api, { environment: 'staging', service: 'checkout', version: '2.0.0', ...change });
      expect([
        JSON.stringify(change).slice(0, 40),
        res.response.status,
        (res.error as { code?: string })?.code,
      ]).toEqual([JSON.stringify(change).slice(0, 40), status, code]);
    }
    const untyped = await g.raw('POST', `/api/v1/projects/${project.key}/deployments`, {
      token: ci.token,
      body: { environment: 'staging', service: 'checkout', version: 2 },
    });
    expect(untyped.status).toBe(400);
    expect(untyped.body.code).toBe('request/invalid');
    expect(await rows()).toBe(before);
  });
});
