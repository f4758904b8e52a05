/**
 * An SDK key is a credential: rotating it, or deleting its environment, must cut off not only new
 * requests but also the streams already open with it, on every node.
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry } from '../../support/app-harness';
import { sdkKeyOf } from '../../support/delivery';
import { factory } from '../../support/factories';
import { openSse } from '../../support/sse';

describe('SDK keys', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let nodeB: { baseUrl: string };

  beforeAll(async () => {
    gantry = await startGantry();
    nodeB = await startSecondNode(gantry);
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: 'keys', environments: ['staging', 'production'] });
    await factory.flag(api, 'keys', { key: 'f' });
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it('a rotated key closes the streams opened with it on every node, and no longer opens anything', async () => {
    const oldKey = await sdkKeyOf(api, 'keys', 'production');
    const onA = await openSse(gantry.baseUrl, oldKey);
    const onB = await openSse(nodeB.baseUrl, oldKey);
    await onA.next((e) => e.event === 'put');
    await onB.next((e) => e.event === 'put');

    const rotated = await gantry.raw('POST', '/api/v1/projects/keys/environments/production/rotate-key', {
      token: gantry.ownerToken,
      body: { key: 'sdkKey' },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.sdkKey).not.toBe(oldKey);

    await Promise.all([onA.ended, onB.ended]);
    expect((await gantry.raw('GET', '/sdk/latest-all', { headers: { authorization: oldKey } })).status).toBe(401);
    const fresh = await openSse(nodeB.baseUrl, rotated.body.sdkKey);
    expect((await fresh.next((e) => e.event === 'put')).event).toBe('put');
    fresh.close();
  });

  it('deleting an environment closes its streams and leaves the others open', async () => {
    const stagingKey = await sdkKeyOf(api, 'keys', 'staging');
    const productionKey = await sdkKeyOf(api, 'keys', 'production');
    const staging = await openSse(gantry.baseUrl, stagingKey);
    const production = await openSse(gantry.baseUrl, productionKey);
    await staging.next((e) => e.event === 'put');
    await production.next((e) => e.event === 'put');

    expect(
      (await gantry.raw('DELETE', '/api/v1/projects/keys/environments/staging', { token: gantry.ownerToken })).status,
    ).toBe(204);
    await staging.ended;
    // The production stream still receives changes.
    await gantry.raw('PATCH', '/api/v1/projects/keys/flags/f', {
      token: gantry.ownerToken,
      body: { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }] },
    });
    const patch = await production.next((e) => e.event === 'patch');
    expect(JSON.parse(patch.data).data).toMatchObject({ key: 'f', on: true });
    production.close();
  });

  it('deleting a project closes the streams of all its environments and its keys stop working', async () => {
    await factory.project(api, { key: 'gone', environments: ['production'] });
    const key = await sdkKeyOf(api, 'gone', 'production');
    const onB = await openSse(nodeB.baseUrl, key);
    await onB.next((e) => e.event === 'put');
    expect((await gantry.raw('DELETE', '/api/v1/projects/gone', { token: gantry.ownerToken })).status).toBe(204);
    await onB.ended;
    const ofrep = await gantry.raw('POST', '/ofrep/v1/evaluate/flags', {
      headers: { authorization: `Bearer ${key}` },
      body: { context: { targetingKey: 'u' } },
    });
    expect(ofrep.status).toBe(401);
  });
});
