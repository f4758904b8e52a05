/**
 * Webhook URLs may not lead to loopback, private, link-local, CGNAT or metadata addresses (SSRF):
 * refused at creation and on update, and again at delivery, after resolving, unless the operator
 * allows them with GANTRY_OUTBOUND_ALLOW.
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok } from '../support/factories';
import { startReceiver } from '../support/webhook-receiver';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const FORBIDDEN = [
  'http://127.0.0.1:8080/hook',
  'http://10.0.0.1/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]:8080/hook',
  'http://localhost:8080/hook',
  'http://100.64.0.1/hook',
  'http://[fd00:ec2::254]/hook',
];

describe('webhook addresses without an allowance', () => {
  let gantry: Gantry;
  let owner: ApiClient;

  beforeAll(async () => {
    gantry = await startGantry({ role: 'api' });
    owner = gantry.client(gantry.ownerToken);
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it.each(FORBIDDEN)('refuses to create a webhook to %s: 400 webhook/forbidden_address', async (url) => {
    const { error, response } = await owner.POST('/api/v1/webhooks', { body: { name: 'x', url, events: ['*'] } });
    expect(response.status).toBe(400);
    expect(error?.code).toBe('webhook/forbidden_address');
    expect(error?.errors).toEqual([{ field: 'url', reason: expect.stringContaining('GANTRY_OUTBOUND_ALLOW') }]);
  });

  it('names the address a host name resolves to', async () => {
    const { error } = await owner.POST('/api/v1/webhooks', {
      body: { name: 'x', url: 'http://localhost:9/hook', events: ['*'] },
    });
    expect(error?.detail).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
  });

  it('refuses to point an existing webhook at a forbidden address, keeping its URL', async () => {
    const hook = ok(
      await owner.POST('/api/v1/webhooks', { body: { name: 'ok', url: 'https://93.184.216.34/hook', events: ['*'] } }),
    );
    const { error, response } = await owner.PATCH('/api/v1/webhooks/{id}', {
      params: { path: { id: hook.id } },
      body: { url: 'http://192.168.1.10/hook' },
    });
    expect(response.status).toBe(400);
    expect(error?.code).toBe('webhook/forbidden_address');
    expect(ok(await owner.GET('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } } })).url).toBe(
      'https://93.184.216.34/hook',
    );
    expect(await gantry.sql('SELECT count(*)::int AS n FROM "Webhook"')).toEqual([{ n: 1 }]);
  });
});

describe('webhook addresses with GANTRY_OUTBOUND_ALLOW', () => {
  let gantry: Gantry;
  let owner: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    // The API allows loopback; the worker started below does not.
    [gantry, receiver] = await Promise.all([
      startGantry({ role: 'api', env: { GANTRY_OUTBOUND_ALLOW: '127.0.0.0/8,::1,localhost' } }),
      startReceiver(),
    ]);
    owner = gantry.client(gantry.ownerToken);
  });

  afterAll(async () => {
    await gantry?.stop();
    await receiver?.close();
  });

  it('accepts loopback and localhost URLs the operator allowed', async () => {
    for (const url of [receiver.url, 'http://localhost:9/hook', 'http://[::1]:9/hook']) {
      const { response } = await owner.POST('/api/v1/webhooks', {
        body: { name: 'allowed', url, events: ['release.failed'] },
      });
      expect([url, response.status]).toEqual([url, 201]);
    }
    const still = await owner.POST('/api/v1/webhooks', {
      body: { name: 'metadata', url: 'http://169.254.169.254/', events: ['*'] },
    });
    expect(still.error?.code).toBe('webhook/forbidden_address');
  });

  it('refuses the delivery at send time in a worker without the allowance: failed, nothing sent', async () => {
    const hook = ok(
      await owner.POST('/api/v1/webhooks', { body: { name: 'local', url: receiver.url, events: ['flag.updated'] } }),
    );
    const project = await factory.project(owner, { environments: ['dev'] });
    const flag = await factory.flag(owner, project.key);
    await factory.patchFlag(owner, project.key, flag.key, {
      environmentKey: 'dev',
      instructions: [{ kind: 'turnFlagOn' }],
    });
    const worker = await startSecondNode(gantry, { role: 'worker' });
    const delivery = await waitFor('the delivery to fail', async () => {
      const l = ok(await owner.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: hook.id } } }));
      return l.items.find((d) => d.status === 'failed');
    });
    expect(delivery).toMatchObject({ event: 'flag.updated', attempts: 1, lastStatusCode: null });
    expect(delivery.lastError).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
    expect(receiver.received).toEqual([]);
    await worker.stop();
  });
});
