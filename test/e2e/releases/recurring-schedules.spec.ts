/**
 * Recurring scheduled changes with a real worker: an every-minute schedule applies at its
 * occurrence and moves on to the next; the same schedule in a frozen environment skips the
 * occurrence (reported with the freeze, by webhook too) and stays active; occurrences missed while
 * no worker ran are written down and only the latest is applied, once, by the next worker's sweep.
 * Bad input is refused naming the field, with nothing stored. (DST is tested in src/core/schedule.)
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { factory, ok, type Project, type Schemas } from '../../support/factories';
import { startReceiver, type Receiver } from '../../support/webhook-receiver';

type Schedule = Schemas['ScheduledChangeDto'];
const MINUTE = 60_000;

describe('recurring scheduled changes', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let receiver: Receiver;

  const at = (flagKey: string, envKey: string) => ({ projectKey: project.key, flagKey, envKey });
  const create = (flagKey: string, envKey: string, body: Record<string, unknown>) =>
    owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
      params: { path: at(flagKey, envKey) },
      body: body as Schemas['CreateScheduledChangeDto'],
    });
  const get = async (flagKey: string, envKey: string, id: string) =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes/{id}', {
        params: { path: { ...at(flagKey, envKey), id } },
      }),
    );
  const occurrences = async (flagKey: string, envKey: string, id: string) =>
    ok(
      await owner.GET(
        '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes/{id}/occurrences',
        { params: { path: { ...at(flagKey, envKey), id }, query: {} } },
      ),
    ).items;
  const flagOn = async (flagKey: string, envKey: string) =>
    ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: project.key, flagKey } },
      }),
    ).environments[envKey].on;

  beforeAll(async () => {
    [g, receiver] = await Promise.all([
      startGantry({ role: 'all', env: { GANTRY_OUTBOUND_ALLOW: '127.0.0.1' } }),
      startReceiver(),
    ]);
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging', 'frozen'] });
    ok(
      await owner.POST('/api/v1/webhooks', {
        body: {
          name: 'schedules',
          url: receiver.url,
          events: ['scheduled_change.applied', 'scheduled_change.skipped'],
        },
      }),
    );
  });
  afterAll(async () => {
    await g?.stop();
    await receiver?.close();
  });

  it('refuses bad timing naming the field, and stores nothing', async () => {
    const flag = await factory.flag(owner, project.key);
    const turnOn = [{ kind: 'turnFlagOn' }];
    const cases: [Record<string, unknown>, string, string][] = [
      [{ instructions: turnOn, cron: '0 9 * * 1-5' }, 'timeZone', 'request/invalid'],
      [{ instructions: turnOn, timeZone: 'Europe/Berlin' }, 'cron', 'request/invalid'],
      [{ instructions: turnOn, cron: '0 9 * * 1-5', timeZone: 'Berlin/Mitte' }, 'timeZone', 'request/invalid'],
      [{ instructions: turnOn, cron: '0 0 9 * * 1-5', timeZone: 'UTC' }, 'cron', 'request/invalid'],
      [{ instructions: turnOn, cron: '0 0 30 2 *', timeZone: 'UTC' }, 'cron', 'request/invalid'],
      [{ instructions: turnOn }, 'executionDate', 'request/invalid'],
      [
        { instructions: turnOn, cron: '* * * * *', timeZone: 'UTC', executionDate: '2020-01-01T00:00:00Z' },
        'executionDate',
        'scheduled_change/invalid_execution_date',
      ],
    ];
    for (const [body, field, code] of cases) {
      const { response, error } = await create(flag.key, 'staging', body);
      expect([response.status, error?.code, error?.errors?.map((e) => e.field)]).toEqual([400, code, [field]]);
    }
    const list = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
        params: { path: at(flag.key, 'staging'), query: {} },
      }),
    );
    expect(list.items).toEqual([]);

    // A one-off stays a one-off.
    const once = ok(await create(flag.key, 'staging', { instructions: turnOn, executionDate: '2030-01-01T00:00:00Z' }));
    const converted = await owner.PATCH(
      '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes/{id}',
      { params: { path: { ...at(flag.key, 'staging'), id: once.id } }, body: { cron: '0 9 * * *', timeZone: 'UTC' } },
    );
    expect([converted.response.status, converted.error?.errors?.[0]?.field]).toEqual([400, 'cron']);
  });

  it('applies each occurrence once and moves on; a frozen environment skips it', async () => {
    const flag = await factory.flag(owner, project.key);
    // A freeze over the `frozen` environment for the whole test.
    ok(
      await owner.POST('/api/v1/projects/{projectKey}/freezes', {
        params: { path: { projectKey: project.key } },
        body: {
          name: 'test freeze',
          environmentKeys: ['frozen'],
          from: new Date(Date.now() - MINUTE).toISOString(),
          to: new Date(Date.now() + 30 * MINUTE).toISOString(),
        },
      }),
    );
    const body = { instructions: [{ kind: 'turnFlagOn' }], cron: '* * * * *', timeZone: 'Europe/Berlin' };
    const live = ok(await create(flag.key, 'staging', body));
    const frozen = ok(await create(flag.key, 'frozen', body));

    // The view: the recurrence, the next occurrence on the next minute, and the four after it.
    const nextMinute = Math.ceil((Date.now() + 1) / MINUTE) * MINUTE;
    expect(live).toMatchObject({ cron: '* * * * *', timeZone: 'Europe/Berlin', status: 'pending' });
    const first = new Date(live.executionDate).getTime();
    expect([nextMinute, nextMinute + MINUTE]).toContain(first);
    expect(live.nextOccurrences.map((d) => new Date(d).getTime() - first)).toEqual(
      [0, 1, 2, 3, 4].map((i) => i * MINUTE),
    );

    // The first occurrence: applied in staging, skipped in the frozen environment; both stay pending.
    const applied = await eventually(
      async () => {
        const s = await get(flag.key, 'staging', live.id);
        expect(s.appliedVersion).not.toBeNull();
        return s;
      },
      { timeoutMs: 2 * MINUTE },
    );
    expect(await flagOn(flag.key, 'staging')).toBe(true);
    expect(applied.status).toBe('pending');
    expect(new Date(applied.executionDate).getTime()).toBe(first + MINUTE);
    expect(await occurrences(flag.key, 'staging', live.id)).toEqual([
      expect.objectContaining({
        occurrenceAt: new Date(first).toISOString(),
        outcome: 'applied',
        version: applied.appliedVersion,
        failure: null,
      }),
    ]);

    const skipped = await eventually(
      async () => {
        const items = await occurrences(flag.key, 'frozen', frozen.id);
        expect(items).toHaveLength(1);
        return items[0];
      },
      { timeoutMs: 30_000 },
    );
    expect(skipped).toMatchObject({ occurrenceAt: new Date(first).toISOString(), outcome: 'skipped', version: null });
    expect(skipped.failure).toMatchObject({ code: 'freeze/active' });
    expect(await flagOn(flag.key, 'frozen')).toBe(false);
    expect(await get(flag.key, 'frozen', frozen.id)).toMatchObject({
      status: 'pending',
      executionDate: new Date(first + MINUTE).toISOString(),
    });
    const hooks = await eventually(
      () => {
        const events = receiver.received.map((r) => JSON.parse(r.body) as { event: string; data: Schedule });
        const mine = events.filter((e) => [live.id, frozen.id].includes(e.data.id));
        expect(mine.map((e) => e.event)).toEqual(
          expect.arrayContaining(['scheduled_change.applied', 'scheduled_change.skipped']),
        );
        return mine;
      },
      { timeoutMs: 15_000 },
    );
    expect(hooks.find((e) => e.event === 'scheduled_change.applied')?.data).toMatchObject({
      id: live.id,
      occurrence: { occurrenceAt: new Date(first).toISOString(), outcome: 'applied' },
    });
    expect(hooks.find((e) => e.event === 'scheduled_change.skipped')?.data).toMatchObject({
      id: frozen.id,
      occurrence: { occurrenceAt: new Date(first).toISOString(), outcome: 'skipped', code: 'freeze/active' },
    });

    // Deleting a recurring schedule stops it.
    for (const [envKey, id] of [
      ['staging', live.id],
      ['frozen', frozen.id],
    ])
      await owner.DELETE('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes/{id}', {
        params: { path: { ...at(flag.key, envKey), id } },
      });
  });
});

describe('recurring scheduled changes after an outage', () => {
  it('writes down the occurrences missed while no worker ran and applies only the latest, once', async () => {
    // An API node alone: nothing runs the schedule until a worker starts.
    const g = await startGantry({ role: 'api' });
    try {
      const owner = g.client(g.ownerToken);
      const project = await factory.project(owner, { environments: ['staging'] });
      const flag = await factory.flag(owner, project.key);
      const path = { projectKey: project.key, flagKey: flag.key, envKey: 'staging' };
      const live = ok(
        await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
          params: { path },
          body: { instructions: [{ kind: 'turnFlagOn' }], cron: '* * * * *', timeZone: 'UTC' },
        }),
      );
      // As if the worker had been down for three minutes: the row still waits for an occurrence back then.
      const passed = Math.floor(Date.now() / MINUTE) * MINUTE - 3 * MINUTE;
      await g.sql(`UPDATE "ScheduledChange" SET "executionDate" = $1 WHERE "id" = $2`, [new Date(passed), live.id]);

      const worker = await startSecondNode(g, { role: 'worker' });
      try {
        const items = await eventually(
          async () => {
            const got = ok(
              await owner.GET(
                '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes/{id}/occurrences',
                { params: { path: { ...path, id: live.id }, query: {} } },
              ),
            ).items;
            expect(got.some((o) => o.outcome === 'applied')).toBe(true);
            return got;
          },
          { timeoutMs: 30_000 },
        );
        // Newest first: the latest passed occurrence applied, every one from `passed` until it missed.
        const latest = new Date(items[0].occurrenceAt).getTime();
        expect(latest).toBeGreaterThanOrEqual(passed + 3 * MINUTE);
        const expected: [number, string][] = [[latest, 'applied']];
        for (let t = latest - MINUTE; t >= passed; t -= MINUTE) expected.push([t, 'missed']);
        expect(items.map((o) => [new Date(o.occurrenceAt).getTime(), o.outcome])).toEqual(expected);
        expect(items[0].version).not.toBeNull();
        const flagNow = ok(
          await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
            params: { path: { projectKey: project.key, flagKey: flag.key } },
          }),
        );
        expect(flagNow.environments.staging.on).toBe(true);
        // Applied once: one new version of the environment, one flag.updated audit entry from the schedule.
        const audit = await g.sql<{ n: string }>(`SELECT count(*) AS n FROM "AuditEntry" WHERE "comment" = $1`, [
          `scheduled change ${live.id}`,
        ]);
        expect(audit[0].n).toBe('1');
      } finally {
        await worker.stop();
      }
    } finally {
      await g.stop();
    }
  });
});
