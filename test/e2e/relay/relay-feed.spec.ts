/**
 * The relay feed on an API node, as an edge uses it: a scoped, revocable credential; the whole
 * environment first, then each change; a resume by revision that sends only what was missed; and
 * the way a credential fails (unknown, out of scope, revoked).
 */
import { createHash } from 'node:crypto';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { sdkKeyOf } from '../../support/delivery';
import { factory } from '../../support/factories';
import { openSse, sseJson } from '../../support/sse';

const P = 'relayed';

describe('relay feed', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let token: string;
  let credentialId: string;

  const openFeed = (revisions?: Record<string, string>, secret = token) =>
    openSse(gantry.baseUrl, undefined, {
      path: '/relay/v1/feed',
      method: 'POST',
      authorization: `Bearer ${secret}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(revisions ? { revisions } : {}),
    });

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: P, environments: ['staging', 'production'] });
    await factory.project(api, { key: 'elsewhere', environments: ['production'] });
    await factory.flag(api, P, { key: 'f' });
    const created = await gantry.raw<{ token: string; id: string; hint: string }>('POST', '/api/v1/relay-credentials', {
      token: gantry.ownerToken,
      body: { name: 'edge eu', scope: [{ project: P, environments: ['production'] }] },
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^grl_/);
    token = created.body.token;
    credentialId = created.body.id;
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it('shows the secret once and lists the credential without it', async () => {
    const list = await gantry.raw<{ items: Record<string, unknown>[] }>('GET', '/api/v1/relay-credentials', {
      token: gantry.ownerToken,
    });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: credentialId,
        name: 'edge eu',
        scope: [{ project: P, environments: ['production'] }],
      }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain(token);
  });

  it('refuses a bad scope, naming every problem, and writes nothing', async () => {
    const res = await gantry.raw<{ code: string; detail: string }>('POST', '/api/v1/relay-credentials', {
      token: gantry.ownerToken,
      body: { name: '', scope: [{ project: P, environments: ['*', 'production'] }] },
    });
    expect([res.status, res.body.code]).toEqual([400, 'relay_credential/invalid']);
    expect(res.body.detail).toContain('name must be 1 to 200 characters');
    expect(res.body.detail).toContain('"*" already names every environment');
    const missing = await gantry.raw<{ code: string }>('POST', '/api/v1/relay-credentials', {
      token: gantry.ownerToken,
      body: { name: 'x', scope: [{ project: P, environments: ['nope'] }] },
    });
    expect([missing.status, missing.body.code]).toEqual([404, 'environment/not_found']);
    const list = await gantry.raw<{ items: unknown[] }>('GET', '/api/v1/relay-credentials', {
      token: gantry.ownerToken,
    });
    expect(list.body.items).toHaveLength(1);
  });

  it('sends the environments in scope whole, then each change; a resume gets only what it missed', async () => {
    const feed = await openFeed();
    expect(feed.status).toBe(200);
    const env = sseJson(await feed.next((e) => e.event === 'environment'));
    expect(env).toMatchObject({ project: P, key: 'production' });
    expect(env.sdkKeyHash).toBe(
      createHash('sha256')
        .update(await sdkKeyOf(api, P, 'production'))
        .digest('hex'),
    );
    expect(env.data.flags.f).toMatchObject({ key: 'f', on: false });
    await feed.next((e) => e.event === 'ready');
    // Only production of this project: no staging, nothing of the other project.
    expect(feed.events.filter((e) => e.event === 'environment')).toHaveLength(1);

    await factory.patchFlag(api, P, 'f', { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }] });
    const change = sseJson(await feed.next((e) => e.event === 'change'));
    expect(change).toMatchObject({ environmentId: env.id, kind: 'flag', key: 'f', payload: { on: true } });
    expect(BigInt(change.revision)).toBe(BigInt(env.revision) + 1n);
    // This node does not trace: the change carries no trace context (the field is optional).
    expect(change).not.toHaveProperty('trace');
    feed.close();

    // Changed while the edge was away: on resume it gets that change alone, not the environment.
    await factory.patchFlag(api, P, 'f', { environmentKey: 'production', instructions: [{ kind: 'turnFlagOff' }] });
    // The feed serves this node's snapshot, which applies the commit a moment later (outbox → Redis).
    const sdkKey = await sdkKeyOf(api, P, 'production');
    for (let on = true; on;) {
      const res = await fetch(`${gantry.baseUrl}/sdk/latest-all`, { headers: { authorization: sdkKey } });
      on = ((await res.json()) as { flags: { f: { on: boolean } } }).flags.f.on;
      if (on) await new Promise((r) => setTimeout(r, 20));
    }
    const resumed = await openFeed({ [env.id]: change.revision });
    await resumed.next((e) => e.event === 'ready');
    expect(resumed.events.map((e) => e.event)).toEqual(['meta', 'change', 'ready']);
    expect(sseJson(resumed.events[1])).toMatchObject({ key: 'f', payload: { on: false } });
    resumed.close();
  });

  it('answers 401 to an unknown credential and 400 to bad revisions', async () => {
    const unknown = await gantry.raw<{ code: string }>('POST', '/relay/v1/feed', { token: 'grl_nope', body: {} });
    expect([unknown.status, unknown.body.code]).toEqual([401, 'relay/invalid_credential']);
    const bad = await gantry.raw<{ code: string }>('POST', '/relay/v1/feed', {
      token,
      body: { revisions: { x: 'ten' } },
    });
    expect([bad.status, bad.body.code]).toEqual([400, 'relay/invalid_request']);
  });

  it('refuses events for an environment outside the scope', async () => {
    const staging = (
      await gantry.raw<{ id: string }>('GET', `/api/v1/projects/${P}/environments/staging`, {
        token: gantry.ownerToken,
      })
    ).body.id;
    const res = await gantry.raw<{ code: string }>('POST', `/relay/v1/environments/${staging}/events`, {
      token,
      body: [],
    });
    expect([res.status, res.body.code]).toEqual([403, 'relay/out_of_scope']);
  });

  it('revoking the credential ends its open feed and refuses the next', async () => {
    const feed = await openFeed();
    await feed.next((e) => e.event === 'ready');
    const revoked = await gantry.raw('DELETE', `/api/v1/relay-credentials/${credentialId}`, {
      token: gantry.ownerToken,
    });
    expect(revoked.status).toBe(200);
    await feed.ended;
    const again = await gantry.raw<{ code: string }>('POST', '/relay/v1/feed', { token, body: {} });
    expect([again.status, again.body.code]).toEqual([401, 'relay/invalid_credential']);
  });
});
