/**
 * The webhook deliveries of a change made through the API (a break-glass write's
 * `approval.bypassed`, a change request's lifecycle, a release started or rolled back by hand) are
 * written in the change's own transaction: the change and its deliveries commit together or not at
 * all. Here PostgreSQL refuses the delivery's insert once (a trigger the test installs): the request
 * fails and leaves nothing of the change, and the same request again succeeds with exactly one
 * delivery. (Written after the commit, as before, the change stood and the event was lost whenever
 * its insert failed, or the process died, between the two.) A flag's `flag.updated` is written by
 * the outbox relay in the transaction that claims the change's outbox row, so a refused insert
 * leaves the row unclaimed and the relay's next pass writes it.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { bypassHeaders, factory, ok, type Flag, type Project } from '../../support/factories';
import { eventually } from '../../support/delivery';
import { installRefusals, type Refusals } from '../../support/refused-writes';

describe('webhook deliveries written with the change they report', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let refusals: Refusals;

  beforeAll(async () => {
    g = await startGantry({ role: 'api' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    ok(
      await owner.POST('/api/v1/webhooks', {
        body: {
          name: 'governance',
          url: 'https://hooks.example.com/gantry',
          events: [
            'approval.bypassed',
            'change_request.created',
            'change_request.cancelled',
            'release.started',
            'release.rolled_back',
            'flag.updated',
          ],
        },
      }),
    );
    refusals = await installRefusals(g);
  });
  afterAll(() => g?.stop());

  /** Refuses the next insert of a delivery of `event` about `key` (a flag's key, in its payload). */
  const refuseNext = (name: string, event: string, key: string) =>
    refusals.refuse(name, 'WebhookDelivery', `NEW."event" = '${event}' AND NEW."payload"::text LIKE '%"${key}"%'`, {
      on: 'INSERT',
    });
  const deliveries = (event: string, key: string) =>
    g.sql<{ id: string }>(`SELECT "id" FROM "WebhookDelivery" WHERE "event" = $1 AND "payload"::text LIKE $2`, [
      event,
      `%"${key}"%`,
    ]);
  const flagVersion = async (flag: Flag) =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: project.key, flagKey: flag.key } },
      }),
    ).environments.production.version;
  const breakGlassOn = (flag: Flag) =>
    g.raw('PATCH', `/api/v1/projects/${project.key}/flags/${flag.key}`, {
      token: g.ownerToken,
      headers: bypassHeaders('incident 42: turning it on now'),
      body: { environmentKey: 'production', instructions: [{ kind: 'turnFlagOn' }] },
    });
  const rowsOf = (table: string, key: string) =>
    g.sql(`SELECT "id" FROM "${table}" WHERE "${table === 'Release' ? 'flagKey' : 'resourceKey'}" = $1`, [key]);

  it('a break-glass write whose approval.bypassed delivery is refused is not made', async () => {
    const flag = await factory.flag(owner, project.key);
    const before = await flagVersion(flag);
    await refuseNext('fault_bypassed', 'approval.bypassed', flag.key);

    const refused = await breakGlassOn(flag);
    expect(refused.status).toBe(500);
    expect(await refusals.fired('fault_bypassed')).toBe(true);
    expect(await flagVersion(flag)).toBe(before);
    expect(await rowsOf('ChangeRequest', flag.key)).toEqual([]);
    expect(await deliveries('approval.bypassed', flag.key)).toEqual([]);

    expect((await breakGlassOn(flag)).status).toBe(200);
    expect(await flagVersion(flag)).toBe(before + 1);
    expect(await rowsOf('ChangeRequest', flag.key)).toHaveLength(1);
    expect(await deliveries('approval.bypassed', flag.key)).toHaveLength(1);
  });

  it('a change request whose created delivery is refused is not opened; cancelled the same way', async () => {
    const flag = await factory.flag(owner, project.key);
    const open = () =>
      g.raw<{ id: string }>(
        'POST',
        `/api/v1/projects/${project.key}/flags/${flag.key}/environments/production/change-requests`,
        {
          token: g.ownerToken,
          body: { instructions: [{ kind: 'turnFlagOn' }], description: 'on' },
        },
      );
    await refuseNext('fault_created', 'change_request.created', flag.key);
    expect((await open()).status).toBe(500);
    expect(await refusals.fired('fault_created')).toBe(true);
    expect(await rowsOf('ChangeRequest', flag.key)).toEqual([]);

    const created = await open();
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ origin: null });
    expect(await deliveries('change_request.created', flag.key)).toHaveLength(1);

    await refuseNext('fault_cancelled', 'change_request.cancelled', flag.key);
    const cancel = () => g.raw('POST', `/api/v1/change-requests/${created.body.id}/cancel`, { token: g.ownerToken });
    expect((await cancel()).status).toBe(500);
    expect(await g.sql(`SELECT "status" FROM "ChangeRequest" WHERE "id" = $1`, [created.body.id])).toEqual([
      { status: 'pending' },
    ]);
    expect((await cancel()).status).toBe(200);
    expect(await deliveries('change_request.cancelled', flag.key)).toHaveLength(1);
  });

  it('a release whose started delivery is refused is not started; rolled back the same way', async () => {
    const flag = await factory.flag(owner, project.key, {
      variations: ['old', 'new'],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    const releases = `/api/v1/projects/${project.key}/flags/${flag.key}/environments/staging/releases`;
    const start = () =>
      g.raw<{ id: string }>('POST', releases, {
        token: g.ownerToken,
        body: {
          toVariationId: flag.variations[1]._id,
          stages: [
            { weight: 50_000, durationMs: 600_000 },
            { weight: 100_000, durationMs: 600_000 },
          ],
        },
      });
    await refuseNext('fault_started', 'release.started', flag.key);
    expect((await start()).status).toBe(500);
    expect(await refusals.fired('fault_started')).toBe(true);
    expect(await rowsOf('Release', flag.key)).toEqual([]);

    const started = await start();
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ origin: null });
    expect(await deliveries('release.started', flag.key)).toHaveLength(1);

    await refuseNext('fault_rolled_back', 'release.rolled_back', flag.key);
    const rollback = () => g.raw('POST', `${releases}/${started.body.id}/rollback`, { token: g.ownerToken });
    expect((await rollback()).status).toBe(500);
    expect(await g.sql(`SELECT "status" FROM "Release" WHERE "id" = $1`, [started.body.id])).toEqual([
      { status: 'running' },
    ]);
    expect((await rollback()).status).toBe(200);
    expect(await deliveries('release.rolled_back', flag.key)).toHaveLength(1);
  });

  it("a flag's flag.updated is written by the relay pass that claims its change, even after refusals", async () => {
    const flag = await factory.flag(owner, project.key);
    // Twice: the relay's old after-the-claim insert tried twice before giving the event up.
    await refusals.refuse(
      'fault_updated',
      'WebhookDelivery',
      `NEW."event" = 'flag.updated' AND NEW."payload" @> '{"key": "${flag.key}", "version": 2}'`,
      {
        on: 'INSERT',
        times: 2,
      },
    );
    const turnOn = await g.raw('PATCH', `/api/v1/projects/${project.key}/flags/${flag.key}`, {
      token: g.ownerToken,
      body: { environmentKey: 'staging', instructions: [{ kind: 'turnFlagOn' }] },
    });
    expect(turnOn.status).toBe(200);

    const [delivery] = await eventually(async () => {
      const rows = await g.sql<{ payload: { key: string; version: number } }>(
        `SELECT "payload" FROM "WebhookDelivery" WHERE "event" = 'flag.updated' AND "payload" @> $1::jsonb`,
        [{ key: flag.key, version: 2 }],
      );
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(await refusals.fired('fault_updated')).toBe(true);
    expect(delivery.payload).toMatchObject({ key: flag.key, environmentKey: 'staging', version: 2 });
    const outbox = await g.sql<{ published: boolean }>(
      `SELECT "publishedAt" IS NOT NULL AS "published" FROM "OutboxEvent" WHERE "key" = $1 ORDER BY "id" DESC LIMIT 1`,
      [flag.key],
    );
    expect(outbox).toEqual([{ published: true }]);
  });
});
