/**
 * Outbound webhooks: a flag change reaches a local receiver as a signed POST, delivered by the
 * BullMQ worker (role `all`), retried after a 500 with backoff, and logged per delivery. Also the
 * URL rules, authorization, and that the secret is shown once and never again (API nor audit).
 */
import { createHmac } from 'node:crypto';
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok } from '../support/factories';
import { startReceiver } from '../support/webhook-receiver';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('webhooks', () => {
  let gantry: Gantry;
  let owner: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const SECRET = 'test-secret-0123456789abcdef';

  beforeAll(async () => {
    [gantry, receiver] = await Promise.all([
      startGantry({ role: 'all', env: { GANTRY_OUTBOUND_ALLOW: '127.0.0.1' } }),
      startReceiver({ failFirst: true }),
    ]);
    owner = gantry.client(gantry.ownerToken);
  });

  afterAll(async () => {
    await gantry?.stop();
    await receiver?.close();
  });

  it('delivers a flag change signed, retries after a 500, and logs the delivery as succeeded after 2 attempts', async () => {
    const project = await factory.project(owner, { environments: ['production'] });
    const flag = await factory.flag(owner, project.key);
    // The flag's creation is a change too: let the relay publish it before any webhook exists.
    await waitFor('the outbox to drain', async () =>
      (await gantry.sql('SELECT count(*)::int AS n FROM "OutboxEvent" WHERE "publishedAt" IS NULL'))[0].n === 0
        ? true
        : undefined,
    );
    // A segment-only webhook must not receive the flag change.
    const other = ok(
      await owner.POST('/api/v1/webhooks', {
        body: { name: 'segments only', url: receiver.url, events: ['segment.updated'] },
      }),
    );
    const created = await owner.POST('/api/v1/webhooks', {
      body: { name: 'flag changes', url: receiver.url, secret: SECRET, events: ['flag.updated'] },
    });
    expect(created.response.status).toBe(201);
    const hook = ok(created);
    expect(hook).toMatchObject({
      name: 'flag changes',
      url: receiver.url,
      events: ['flag.updated'],
      enabled: true,
      secret: SECRET,
    });
    expect(hook.secretHint).not.toContain(SECRET);

    await factory.patchFlag(owner, project.key, flag.key, {
      environmentKey: 'production',
      instructions: [{ kind: 'turnFlagOn' }],
      comment: 'launch',
    });

    await waitFor('two requests at the receiver', () => (receiver.received.length >= 2 ? true : undefined));
    const [first, second] = receiver.received;
    expect(second.body).toBe(first.body); // a retry sends the same bytes
    for (const r of receiver.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-gantry-event']).toBe('flag.updated');
      const expected = `sha256=${createHmac('sha256', SECRET).update(r.body).digest('hex')}`;
      expect(r.headers['x-gantry-signature']).toBe(expected);
    }
    const body = JSON.parse(second.body);
    expect(body).toEqual({
      id: second.headers['x-gantry-delivery'],
      event: 'flag.updated',
      createdAt: expect.any(String),
      data: {
        environmentId: expect.any(String),
        key: flag.key,
        version: 2,
        revision: expect.stringMatching(/^\d+$/),
        deleted: false,
        // Named: where, and who made the change (the owner's token here).
        projectKey: project.key,
        environmentKey: 'production',
        flagKey: flag.key,
        actor: expect.objectContaining({ kind: 'member', name: 'Owner', email: expect.any(String) }),
      },
    });

    const log = await waitFor('the delivery to be recorded as succeeded', async () => {
      const l = ok(
        await owner.GET('/api/v1/webhooks/{id}/deliveries', {
          params: { path: { id: hook.id }, query: { limit: 10 } },
        }),
      );
      return l.items[0]?.status === 'succeeded' ? l : undefined;
    });
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({
      id: body.id,
      webhookId: hook.id,
      event: 'flag.updated',
      status: 'succeeded',
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
    });
    expect(log.items[0].deliveredAt).toEqual(expect.any(String));

    expect(
      ok(await owner.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: other.id } } })).items,
    ).toEqual([]);
    expect(receiver.received).toHaveLength(2);
  });

  it('refuses non-http(s) URLs and URLs with credentials: 400 webhook/invalid_url', async () => {
    for (const url of [
      'ftp://example.com/hook',
      'file:///etc/passwd',
      'https://user:pass@example.com/hook',
      'not a url',
    ]) {
      const { error, response } = await owner.POST('/api/v1/webhooks', { body: { name: 'bad', url, events: ['*'] } });
      expect(response.status).toBe(400);
      expect(error?.code).toBe('webhook/invalid_url');
    }
    const hook = ok(
      await owner.POST('/api/v1/webhooks', { body: { name: 'ok', url: 'https://example.com/hook', events: ['*'] } }),
    );
    const patched = await owner.PATCH('/api/v1/webhooks/{id}', {
      params: { path: { id: hook.id } },
      body: { url: 'ftp://example.com/hook' },
    });
    expect(patched.response.status).toBe(400);
    expect(patched.error?.code).toBe('webhook/invalid_url');
  });

  it('validates the event filter', async () => {
    const res = await gantry.raw('POST', '/api/v1/webhooks', {
      token: gantry.ownerToken,
      body: { name: 'x', url: 'https://example.com', events: ['flag.exploded'] },
    });
    expect(res.status).toBe(400);
  });

  it('generates a secret when none is given, shows it once, and keeps it out of reads and audit entries', async () => {
    const created = ok(
      await owner.POST('/api/v1/webhooks', {
        body: { name: 'generated', url: 'https://example.com/hook', events: ['*'] },
      }),
    );
    const secret = created.secret;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const updated = ok(
      await owner.PATCH('/api/v1/webhooks/{id}', {
        params: { path: { id: created.id } },
        body: { name: 'renamed', enabled: false, events: ['flag.updated', 'segment.updated'] },
      }),
    );
    expect(updated).toMatchObject({ name: 'renamed', enabled: false, events: ['flag.updated', 'segment.updated'] });

    const got = await owner.GET('/api/v1/webhooks/{id}', { params: { path: { id: created.id } } });
    const list = await owner.GET('/api/v1/webhooks');
    for (const r of [got, list]) {
      expect(r.response.status).toBe(200);
      expect(JSON.stringify(r.data)).not.toContain(secret);
      expect(JSON.stringify(r.data)).not.toContain(SECRET);
    }
    expect(got.data).not.toHaveProperty('secret');

    const deleted = await owner.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: created.id } } });
    expect(deleted.response.status).toBe(204);
    expect((await owner.GET('/api/v1/webhooks/{id}', { params: { path: { id: created.id } } })).error?.code).toBe(
      'webhook/not_found',
    );

    const entries = await gantry.sql(
      `SELECT action, before, after, delta FROM "AuditEntry" WHERE resource LIKE 'webhook/%' ORDER BY id`,
    );
    expect(entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['createWebhook', 'updateWebhook', 'deleteWebhook']),
    );
    const text = JSON.stringify(entries);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(SECRET);
    const audit = await owner.GET('/api/v1/audit-log', { params: { query: { resource: `webhook/${created.id}` } } });
    expect(
      ok(audit)
        .items.map((e) => e.action)
        .sort(),
    ).toEqual(['createWebhook', 'deleteWebhook', 'updateWebhook']);
    expect(JSON.stringify(audit.data)).not.toContain(secret);
  });

  it('needs manageWebhooks: a reader gets 403', async () => {
    const reader = gantry.client((await factory.token(owner, { role: 'reader' })).token);
    const hook = ok(
      await owner.POST('/api/v1/webhooks', {
        body: { name: 'guarded', url: 'https://example.com/hook', events: ['*'] },
      }),
    );
    const attempts = [
      await reader.GET('/api/v1/webhooks'),
      await reader.POST('/api/v1/webhooks', { body: { name: 'mine', url: 'https://example.com', events: ['*'] } }),
      await reader.GET('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } } }),
      await reader.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } }, body: { enabled: false } }),
      await reader.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } } }),
      await reader.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: hook.id } } }),
    ];
    for (const a of attempts) {
      expect(a.response.status).toBe(403);
      expect(a.error?.code).toBe('auth/forbidden');
    }
  });
});
