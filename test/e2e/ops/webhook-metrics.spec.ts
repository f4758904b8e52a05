/**
 * gantry_webhook_delivery_attempts_total (GantryWebhookFailureRate) counts each attempt by outcome:
 * a 500 then a 200 is one failed and one delivered; a receiver that always fails is four failed
 * attempts and one gave_up, when the delivery is marked failed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually, metricValue } from '../../support/delivery';
import { factory, ok } from '../../support/factories';
import { startReceiver, type Receiver } from '../../support/webhook-receiver';

describe('webhook delivery metrics', () => {
  let gantry: Gantry;
  let owner: ApiClient;
  let flaky: Receiver;
  let broken: http.Server;
  let brokenUrl: string;

  beforeAll(async () => {
    flaky = await startReceiver({ failFirst: true });
    broken = http.createServer((_req, res) => {
      res.statusCode = 500;
      res.end('down');
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}/hook`;
    gantry = await startGantry({ env: { GANTRY_OUTBOUND_ALLOW: '127.0.0.1' } });
    owner = gantry.client(gantry.ownerToken);
  });

  afterAll(async () => {
    await gantry?.stop();
    await flaky?.close();
    broken?.closeAllConnections();
    await new Promise((resolve) => broken?.close(resolve));
  });

  const attempts = async () => {
    const text = (await gantry.raw('GET', '/metrics')).text;
    return Object.fromEntries(
      ['delivered', 'failed', 'gave_up'].map((o) => [
        o,
        metricValue(text, 'gantry_webhook_delivery_attempts_total', `{outcome="${o}"}`),
      ]),
    );
  };

  it('counts a retried delivery as failed then delivered, and an exhausted one as gave_up', async () => {
    expect(await attempts()).toEqual({ delivered: 0, failed: 0, gave_up: 0 });
    const project = await factory.project(owner, { environments: ['production'] });
    const flag = await factory.flag(owner, project.key);
    await eventually(async () =>
      expect((await gantry.sql('SELECT count(*)::int AS n FROM "OutboxEvent" WHERE "publishedAt" IS NULL'))[0].n).toBe(
        0,
      ),
    );
    ok(await owner.POST('/api/v1/webhooks', { body: { name: 'flaky', url: flaky.url, events: ['flag.updated'] } }));
    await factory.patchFlag(owner, project.key, flag.key, {
      environmentKey: 'production',
      instructions: [{ kind: 'turnFlagOn' }],
    });
    await eventually(async () => expect(await attempts()).toEqual({ delivered: 1, failed: 1, gave_up: 0 }), {
      timeoutMs: 20_000,
    });

    ok(await owner.POST('/api/v1/webhooks', { body: { name: 'broken', url: brokenUrl, events: ['flag.updated'] } }));
    await factory.patchFlag(owner, project.key, flag.key, {
      environmentKey: 'production',
      instructions: [{ kind: 'turnFlagOff' }],
    });
    // Five attempts, 1 + 2 + 4 + 8 s apart; the flaky receiver now answers 200 at once.
    await eventually(async () => expect(await attempts()).toEqual({ delivered: 2, failed: 5, gave_up: 1 }), {
      timeoutMs: 45_000,
      intervalMs: 250,
    });
  }, 90_000);
});
