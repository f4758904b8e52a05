/**
 * Flag triggers end to end: an action behind an unguessable URL, fired without a token. Firing
 * writes through the one write path with the trigger as the audited actor; it is idempotent (an
 * action that changes nothing writes nothing, an Idempotency-Key repeat answers the first result),
 * rate-limited, refused when disabled or unknown, and the secret appears only in the answers that
 * create or rotate it. Creating one in an environment that requires approval is break-glass
 * (bypassRequiredApproval and a reason).
 */
import { randomBytes } from 'node:crypto';
import { startGantry, type ApiClient, type Gantry, type RawRequest } from '../../support/app-harness';
import { factory, ok, type Project, type Schemas } from '../../support/factories';
import { auditOf, flagAuditResource, flagIn, memberWithToken, setApprovalSettings } from '../../support/governance';

type CreatedTrigger = Schemas['CreatedTriggerDto'];
type FireResult = Schemas['TriggerFireResultDto'];
type Problem = Schemas['ProblemDto'];

const triggersPath = '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers' as const;
const triggerPath = '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers/{id}' as const;

describe('triggers', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  let writer: Awaited<ReturnType<typeof memberWithToken>>;
  let reader: Awaited<ReturnType<typeof memberWithToken>>;
  let admin: Awaited<ReturnType<typeof memberWithToken>>;
  /** Every secret handed out in this file, to check none leaks into reads or the audit log. */
  const secrets: string[] = [];

  beforeAll(async () => {
    // Request logging on, to check that trigger URLs (credentials) never reach the logs.
    g = await startGantry({ env: { LOG_LEVEL: 'info' } });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, {
      environments: ['staging', { key: 'production', name: 'Production', critical: true }],
    });
    [writer, reader, admin] = await Promise.all([
      memberWithToken(g, owner, 'writer'),
      memberWithToken(g, owner, 'reader'),
      memberWithToken(g, owner, 'admin'),
    ]);
  });
  afterAll(() => g?.stop());

  const ids = (flagKey: string, envKey = 'staging') => ({ projectKey: project.key, flagKey, envKey });

  function createCall(api: ApiClient, flagKey: string, body: Schemas['CreateTriggerDto'], envKey = 'staging') {
    return api.POST(triggersPath, { params: { path: ids(flagKey, envKey) }, body });
  }

  async function createTrigger(
    api: ApiClient,
    flagKey: string,
    body: Schemas['CreateTriggerDto'],
    envKey = 'staging',
  ): Promise<CreatedTrigger> {
    const created = ok(await createCall(api, flagKey, body, envKey));
    secrets.push(created.secret);
    return created;
  }

  async function getTrigger(flagKey: string, id: string, envKey = 'staging') {
    return ok(await owner.GET(triggerPath, { params: { path: { ...ids(flagKey, envKey), id } } }));
  }

  /** POST to a trigger URL, as a CI job or a monitoring tool would: no token. */
  function fire(url: string, request: RawRequest = {}) {
    return g.raw<FireResult & Problem>('POST', new URL(url).pathname, request);
  }

  it('firing turnFlagOn turns the flag on, with the trigger as the audited actor; the URL is shown once', async () => {
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(writer.api, flag.key, {
      name: 'deploy finished',
      action: { kind: 'turnFlagOn' },
    });
    expect(trigger).toMatchObject({
      name: 'deploy finished',
      action: { kind: 'turnFlagOn' },
      enabled: true,
      triggerCount: 0,
      lastTriggeredAt: null,
      environmentKey: 'staging',
      flagKey: flag.key,
      bypassesApproval: false,
    });
    expect(trigger.secret).toMatch(/^gtr_[A-Za-z0-9_-]{43}$/);
    expect(trigger.url).toBe(`${g.baseUrl}/api/v1/triggers/${trigger.secret}`);
    expect(trigger.secretHint).toBe(trigger.secret.slice(-4));

    const fired = await fire(trigger.url, { body: { pipeline: 'main', run: 42 } });
    expect(fired.status).toBe(200);
    expect(fired.body).toMatchObject({ triggerId: trigger.id, changed: true, version: 2, replayed: false });
    expect((await flagIn(owner, project.key, flag.key)).environments.staging.on).toBe(true);

    const [entry] = await auditOf(owner, flagAuditResource(project.key, 'staging', flag.key), 'updateOn');
    expect(entry.actor).toMatchObject({ kind: 'trigger', id: trigger.id, name: 'trigger deploy finished' });
    expect(entry.links).toMatchObject({
      trigger: { id: trigger.id, name: 'deploy finished' },
      instructions: ['turnFlagOn'],
    });
    const [created] = await auditOf(owner, flagAuditResource(project.key, 'staging', flag.key), 'createTrigger');
    expect(created.actor).toMatchObject({ kind: 'member', id: writer.member.id });
  });

  it('is idempotent: firing again changes nothing and writes no version, but is counted and its body kept', async () => {
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(writer.api, flag.key, { name: 'on', action: { kind: 'turnFlagOn' } });
    expect((await fire(trigger.url)).body).toMatchObject({ changed: true, version: 2 });
    const again = await fire(trigger.url, {
      body: 'plain text from a shell script',
      headers: { 'content-type': 'text/plain' },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changed: false, version: 2 });

    const versions = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions', {
        params: { path: ids(flag.key) },
      }),
    );
    expect(versions.items.map((v) => v.version)).toEqual([2, 1]);
    expect(await auditOf(owner, flagAuditResource(project.key, 'staging', flag.key), 'updateOn')).toHaveLength(1);

    const read = await getTrigger(flag.key, trigger.id);
    expect(read.triggerCount).toBe(2);
    expect(read.lastTriggeredAt).not.toBeNull();
    expect(read.recentBodies).toMatchObject([
      { outcome: 'unchanged', version: 2, body: 'plain text from a shell script', truncated: false },
      { outcome: 'changed', version: 2, body: null, truncated: false },
    ]);
  });

  it('concurrent calls are each counted once and change the flag once', async () => {
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(writer.api, flag.key, { name: 'burst', action: { kind: 'turnFlagOn' } });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => fire(trigger.url, { body: { i } })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((r) => r.body.changed)).toHaveLength(1);
    const read = await getTrigger(flag.key, trigger.id);
    expect(read.triggerCount).toBe(8);
    expect(read.recentBodies.map((b) => (b.body as { i: number }).i).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await auditOf(owner, flagAuditResource(project.key, 'staging', flag.key), 'updateOn')).toHaveLength(1);
  });

  it('keeps the last 10 bodies, each cut to 4 KB, whatever they contain', async () => {
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(owner, flag.key, { name: 'alerts', action: { kind: 'turnFlagOff' } });
    expect((await fire(trigger.url, { body: { text: 'x'.repeat(10_000) } })).status).toBe(200);
    expect(
      (await fire(trigger.url, { body: { odd: 'nul \u0000 and lone \ud800 surrogate', nested: [[[{}]]] } })).status,
    ).toBe(200);
    expect((await fire(trigger.url, { body: [1, 'two', null, true] })).status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await fire(trigger.url, { body: { i } })).status).toBe(200);

    const read = await getTrigger(flag.key, trigger.id);
    expect(read.triggerCount).toBe(12);
    expect(read.recentBodies).toHaveLength(10);
    expect(read.recentBodies[0].body).toEqual({ i: 8 });
    expect(read.recentBodies[9]).toMatchObject({ body: [1, 'two', null, true] });

    const other = await createTrigger(owner, flag.key, { name: 'big', action: { kind: 'turnFlagOff' } });
    await fire(other.url, { body: { text: 'x'.repeat(10_000) } });
    await fire(other.url, { body: { odd: 'nul \u0000 here' } });
    const [odd, big] = (await getTrigger(flag.key, other.id)).recentBodies;
    expect(big).toMatchObject({ truncated: true, bytes: 10_011 });
    expect(typeof big.body).toBe('string');
    expect(Buffer.byteLength(big.body as string)).toBeLessThanOrEqual(4096);
    expect(odd).toMatchObject({ truncated: false, body: { odd: 'nul \ufffd here' } });
  });

  it('runs a stored instruction list', async () => {
    const flag = await factory.flag(owner, project.key, { variations: ['red', 'green', 'blue'] });
    const blue = flag.variations[2]._id;
    const trigger = await createTrigger(writer.api, flag.key, {
      name: 'go blue',
      action: {
        kind: 'instructions',
        instructions: [{ kind: 'turnFlagOn' }, { kind: 'updateFallthroughVariationOrRollout', variationId: blue }],
      },
    });
    expect(trigger.action).toEqual({
      kind: 'instructions',
      instructions: [{ kind: 'turnFlagOn' }, { kind: 'updateFallthroughVariationOrRollout', variationId: blue }],
    });
    expect((await fire(trigger.url)).body).toMatchObject({ changed: true });
    const staging = (await flagIn(owner, project.key, flag.key)).environments.staging;
    expect(staging).toMatchObject({ on: true, fallthrough: { variation: 2 } });
    const [entry] = await auditOf(owner, flagAuditResource(project.key, 'staging', flag.key), 'updateFlag');
    expect(entry.actor).toMatchObject({ kind: 'trigger', id: trigger.id });
  });

  it('a disabled trigger is refused (409 trigger/disabled) and changes nothing until enabled again', async () => {
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(writer.api, flag.key, { name: 'kill switch', action: { kind: 'turnFlagOn' } });
    const disabled = ok(
      await writer.api.PATCH(triggerPath, {
        params: { path: { ...ids(flag.key), id: trigger.id } },
        body: { enabled: false },
      }),
    );
    expect(disabled).toMatchObject({ enabled: false, name: 'kill switch' });

    const refused = await fire(trigger.url);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'trigger/disabled' });
    expect((await flagIn(owner, project.key, flag.key)).environments.staging.on).toBe(false);
    expect((await getTrigger(flag.key, trigger.id)).triggerCount).toBe(0);

    ok(
      await writer.api.PATCH(triggerPath, {
        params: { path: { ...ids(flag.key), id: trigger.id } },
        body: { enabled: true, name: 'renamed' },
      }),
    );
    expect((await fire(trigger.url)).body).toMatchObject({ changed: true });
    const updates = await auditOf(owner, flagAuditResource(project.key, 'staging', flag.key), 'updateTrigger');
    expect(updates.map((u) => u.after)).toEqual([
      { name: 'renamed', enabled: true },
      { name: 'kill switch', enabled: false },
    ]);
  });

  it('an unknown or malformed secret is 404 trigger/not_found; so is a deleted trigger', async () => {
    for (const secret of [`gtr_${randomBytes(32).toString('base64url')}`, 'nope', `gtr_${'a'.repeat(80)}`, 'gtr_!!!']) {
      const res = await g.raw('POST', `/api/v1/triggers/${secret}`, { body: {} });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'trigger/not_found' });
    }
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(writer.api, flag.key, { name: 'temp', action: { kind: 'turnFlagOn' } });
    const removed = await writer.api.DELETE(triggerPath, { params: { path: { ...ids(flag.key), id: trigger.id } } });
    expect(removed.response.status).toBe(204);
    expect((await fire(trigger.url)).status).toBe(404);
    expect(
      (await owner.GET(triggerPath, { params: { path: { ...ids(flag.key), id: trigger.id } } })).error,
    ).toMatchObject({ code: 'trigger/not_found' });
    expect(await auditOf(owner, flagAuditResource(project.key, 'staging', flag.key), 'deleteTrigger')).toHaveLength(1);
  });

  it('rotation: the old URL stops working, the new one works, and only the rotation answer shows it', async () => {
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(writer.api, flag.key, { name: 'rotate me', action: { kind: 'turnFlagOn' } });
    const rotated = ok(
      await writer.api.POST(
        '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers/{id}/rotate',
        { params: { path: { ...ids(flag.key), id: trigger.id } } },
      ),
    );
    secrets.push(rotated.secret);
    expect(rotated.secret).not.toBe(trigger.secret);
    expect(rotated.secretHint).toBe(rotated.secret.slice(-4));
    expect((await fire(trigger.url)).status).toBe(404);
    expect((await fire(rotated.url)).body).toMatchObject({ changed: true });
    const [entry] = await auditOf(owner, flagAuditResource(project.key, 'staging', flag.key), 'rotateTrigger');
    expect(entry).toMatchObject({
      before: { secretHint: trigger.secretHint },
      after: { secretHint: rotated.secretHint },
    });
  });

  it('an Idempotency-Key repeated answers the first result without firing again', async () => {
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(writer.api, flag.key, { name: 'ci', action: { kind: 'turnFlagOn' } });
    const headers = { 'idempotency-key': `run-${randomBytes(4).toString('hex')}` };
    const first = await fire(trigger.url, { headers, body: { attempt: 1 } });
    expect(first.body).toMatchObject({ changed: true, replayed: false });
    const repeat = await fire(trigger.url, { headers, body: { attempt: 2 } });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({ ...first.body, replayed: true });
    expect((await getTrigger(flag.key, trigger.id)).triggerCount).toBe(1);

    // Another key is another call (unchanged: the flag is already on).
    expect((await fire(trigger.url, { headers: { 'idempotency-key': 'other' } })).body).toMatchObject({
      changed: false,
      replayed: false,
    });
    expect((await getTrigger(flag.key, trigger.id)).triggerCount).toBe(2);

    const bad = await fire(trigger.url, { headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'trigger/invalid_idempotency_key' });
  });

  it("the flag refusing the action is a 409 with the write path's code: counted, body kept, nothing written", async () => {
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(writer.api, flag.key, { name: 'late', action: { kind: 'turnFlagOn' } });
    // Archiving touches production too (critical): the owner breaks glass, with a reason.
    await factory.patchFlag(
      owner,
      project.key,
      flag.key,
      { instructions: [{ kind: 'archiveFlag' }] },
      { bypassReason: 'set-up: archive the flag under the trigger' },
    );
    const refused = await fire(trigger.url, { body: { why: 'alert' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'flag/archived' });
    const read = await getTrigger(flag.key, trigger.id);
    expect(read.triggerCount).toBe(1);
    expect(read.recentBodies[0]).toMatchObject({ outcome: 'failed', code: 'flag/archived', body: { why: 'alert' } });
    expect((await flagIn(owner, project.key, flag.key)).environments.staging.on).toBe(false);

    // Stored instructions that no longer fit the flag: a 409 of the trigger's own (the call itself was fine),
    // naming the write path's 400 code, which the kept body records.
    const colors = await factory.flag(owner, project.key, { variations: ['red', 'green', 'blue'] });
    const green = colors.variations[1]._id;
    const stale = await createTrigger(writer.api, colors.key, {
      name: 'green',
      action: {
        kind: 'instructions',
        instructions: [{ kind: 'updateFallthroughVariationOrRollout', variationId: green }],
      },
    });
    await factory.patchFlag(
      owner,
      project.key,
      colors.key,
      { instructions: [{ kind: 'removeVariation', variationId: green }] },
      { bypassReason: 'set-up: remove the variation the trigger names' },
    );
    const conflict = await fire(stale.url);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      code: 'trigger/action_not_applicable',
      detail: expect.stringContaining('patch/invalid_instruction'),
      errors: [expect.objectContaining({ index: 0 })],
    });
    expect((await getTrigger(colors.key, stale.id)).recentBodies[0]).toMatchObject({
      outcome: 'failed',
      code: 'patch/invalid_instruction',
    });
  });

  it(
    'approval: a writer cannot create a trigger in a critical environment, ' +
      "an admin can, and anyone's call then goes through",
    async () => {
      const flag = await factory.flag(owner, project.key);
      const refused = await createCall(
        writer.api,
        flag.key,
        { name: 'prod on', action: { kind: 'turnFlagOn' } },
        'production',
      );
      expect(refused.response.status).toBe(403);
      expect(refused.error).toMatchObject({ code: 'approval/required' });
      // Turning off a flag that is off changes nothing now, but the trigger could fire later: still gated.
      const off = await createCall(
        writer.api,
        flag.key,
        { name: 'prod off', action: { kind: 'turnFlagOff' } },
        'production',
      );
      expect(off.error).toMatchObject({ code: 'approval/required' });

      // The admin breaks glass: a trigger URL is a standing permission to write past the approval.
      const trigger = await createTrigger(
        admin.api,
        flag.key,
        { name: 'prod on', action: { kind: 'turnFlagOn' }, bypass: { reason: 'incident kill switch' } },
        'production',
      );
      expect(trigger.bypassesApproval).toBe(true);
      expect((await fire(trigger.url)).body).toMatchObject({ changed: true });
      expect((await flagIn(owner, project.key, flag.key)).environments.production.on).toBe(true);

      // Someone who could not have created it may not rotate it (and so learn a URL that bypasses approval).
      const rotate = await writer.api.POST(
        '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers/{id}/rotate',
        { params: { path: { ...ids(flag.key, 'production'), id: trigger.id } } },
      );
      expect(rotate.response.status).toBe(403);
      expect(rotate.error).toMatchObject({ code: 'approval/required' });
    },
  );

  it('a trigger made without bypass is held to approval settings that gate its environment later', async () => {
    const p = await factory.project(owner, { environments: ['qa'] });
    const flag = await factory.flag(owner, p.key);
    const created = ok(
      await writer.api.POST(triggersPath, {
        params: { path: { projectKey: p.key, flagKey: flag.key, envKey: 'qa' } },
        body: { name: 'qa on', action: { kind: 'turnFlagOn' } },
      }),
    );
    secrets.push(created.secret);
    await setApprovalSettings(owner, p.key, 'qa', { required: true });
    const refused = await fire(created.url);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'approval/required' });
    expect((await flagIn(owner, p.key, flag.key)).environments.qa.on).toBe(false);
  });

  it('readers can list triggers but not create them; managing needs manageTriggers', async () => {
    const flag = await factory.flag(owner, project.key);
    await createTrigger(writer.api, flag.key, { name: 'listed', action: { kind: 'turnFlagOn' } });
    const refused = await createCall(reader.api, flag.key, { name: 'nope', action: { kind: 'turnFlagOn' } });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'auth/forbidden' });
    const listed = ok(await reader.api.GET(triggersPath, { params: { path: ids(flag.key) } }));
    expect(listed.items.map((t) => t.name)).toEqual(['listed']);
    const id = listed.items[0].id;
    expect(
      (await reader.api.PATCH(triggerPath, { params: { path: { ...ids(flag.key), id } }, body: { enabled: false } }))
        .response.status,
    ).toBe(403);
    expect((await reader.api.DELETE(triggerPath, { params: { path: { ...ids(flag.key), id } } })).response.status).toBe(
      403,
    );
  });

  it('refuses bad input with a 4xx and a reason', async () => {
    const flag = await factory.flag(owner, project.key, { variations: ['a', 'b'] });
    const create = (
      body: unknown,
      path = `/api/v1/projects/${project.key}/flags/${flag.key}/environments/staging/triggers`,
    ) => g.raw<Problem>('POST', path, { token: g.ownerToken, body });

    expect(await create({ name: 'x', action: { kind: 'explode' } })).toMatchObject({
      status: 400,
      body: { code: 'request/invalid' },
    });
    expect(await create({ name: 'x', action: 'turnFlagOn' })).toMatchObject({
      status: 400,
      body: { code: 'request/invalid' },
    });
    expect(await create({ action: { kind: 'turnFlagOn' } })).toMatchObject({
      status: 400,
      body: { code: 'request/invalid' },
    });
    expect(await create({ name: 'x', action: { kind: 'turnFlagOn' }, secret: 'mine' })).toMatchObject({
      status: 400,
      body: { code: 'request/invalid' },
    });
    expect(
      await create({ name: 'x', action: { kind: 'turnFlagOn', instructions: [{ kind: 'turnFlagOff' }] } }),
    ).toMatchObject({ status: 400, body: { code: 'trigger/invalid_action' } });
    expect(await create({ name: 'x', action: { kind: 'instructions' } })).toMatchObject({
      status: 400,
      body: { code: 'trigger/invalid_action' },
    });
    expect(
      await create({
        name: 'x',
        action: {
          kind: 'instructions',
          instructions: [{ kind: 'updateFallthroughVariationOrRollout', variationId: 'no-such-variation' }],
        },
      }),
    ).toMatchObject({
      status: 400,
      body: { code: 'patch/invalid_instruction', errors: [expect.objectContaining({ index: 0 })] },
    });
    expect(
      await create({ name: 'x', action: { kind: 'instructions', instructions: [{ kind: 'launchRocket' }] } }),
    ).toMatchObject({ status: 400, body: { code: 'patch/unknown_instruction' } });
    expect(
      await create({ name: 'x', action: { kind: 'instructions', instructions: [{ kind: 'archiveFlag' }] } }),
    ).toMatchObject({ status: 400, body: { code: 'trigger/invalid_action' } });
    expect(
      await create(
        { name: 'x', action: { kind: 'turnFlagOn' } },
        `/api/v1/projects/${project.key}/flags/no-such-flag/environments/staging/triggers`,
      ),
    ).toMatchObject({ status: 404, body: { code: 'flag/not_found' } });
    expect(
      await create(
        { name: 'x', action: { kind: 'turnFlagOn' } },
        `/api/v1/projects/${project.key}/flags/${flag.key}/environments/nowhere/triggers`,
      ),
    ).toMatchObject({ status: 404, body: { code: 'environment/not_found' } });
    expect(
      await create(
        { name: 'x', action: { kind: 'turnFlagOn' } },
        `/api/v1/projects/${project.key}/flags/bad%20key/environments/staging/triggers`,
      ),
    ).toMatchObject({ status: 400, body: { code: 'request/invalid_key' } });

    const base = `/api/v1/projects/${project.key}/flags/${flag.key}/environments/staging/triggers`;
    expect(await g.raw('GET', `${base}/not-a-uuid`, { token: g.ownerToken })).toMatchObject({ status: 400 });
    expect(await g.raw('GET', `${base}/00000000-0000-4000-8000-000000000000`, { token: g.ownerToken })).toMatchObject({
      status: 404,
      body: { code: 'trigger/not_found' },
    });
    expect(
      await g.raw('PATCH', `${base}/00000000-0000-4000-8000-000000000000`, {
        token: g.ownerToken,
        body: { enabled: 'yes' },
      }),
    ).toMatchObject({ status: 400 });
    // A trigger is only found under its own flag and environment.
    const t = await createTrigger(owner, flag.key, { name: 'scoped', action: { kind: 'turnFlagOn' } });
    expect(
      await g.raw('GET', `/api/v1/projects/${project.key}/flags/${flag.key}/environments/production/triggers/${t.id}`, {
        token: g.ownerToken,
      }),
    ).toMatchObject({ status: 404, body: { code: 'trigger/not_found' } });
    // Without a token, management is closed; the trigger URL is the only open door.
    expect((await g.raw('GET', base)).status).toBe(401);
  });

  it('is rate-limited per trigger: 429 trigger/rate_limited with Retry-After, not counted', async () => {
    const flag = await factory.flag(owner, project.key);
    const trigger = await createTrigger(owner, flag.key, { name: 'noisy', action: { kind: 'turnFlagOn' } });
    let accepted = 0;
    let limited: Awaited<ReturnType<typeof fire>> | undefined;
    // The window is fixed (per minute), so a run across a window boundary may need up to twice the limit.
    for (let i = 0; i < 130 && !limited; i++) {
      const res = await fire(trigger.url);
      if (res.status === 429) limited = res;
      else {
        expect(res.status).toBe(200);
        accepted++;
      }
    }
    expect(limited).toBeDefined();
    expect(accepted).toBeGreaterThanOrEqual(60);
    expect(limited!.body).toMatchObject({ code: 'trigger/rate_limited', status: 429 });
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await getTrigger(flag.key, trigger.id)).triggerCount).toBe(accepted);
  });

  it('the secret appears in no read and no audit entry', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    const texts: string[] = [];
    for (const envKey of ['staging', 'production']) {
      const flags = ok(
        await owner.GET('/api/v1/projects/{projectKey}/flags', {
          params: { path: { projectKey: project.key }, query: { limit: 200 } },
        }),
      ).items;
      for (const f of flags) {
        const listed = ok(await owner.GET(triggersPath, { params: { path: ids(f.key, envKey) } }));
        texts.push(JSON.stringify(listed));
        for (const t of listed.items) texts.push(JSON.stringify(await getTrigger(f.key, t.id, envKey)));
      }
    }
    let cursor: string | null | undefined;
    do {
      const page = ok(
        await owner.GET('/api/v1/audit-log', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }),
      );
      texts.push(JSON.stringify(page.items));
      cursor = page.next;
    } while (cursor);
    const all = texts.join('\n');
    expect(all).toContain('createTrigger');
    for (const secret of secrets) {
      expect(all).not.toContain(secret);
      expect(all).not.toContain(secret.slice(4, 24));
    }
    const logs = g.stdout();
    expect(logs).toContain('/api/v1/triggers/[redacted]');
    for (const secret of secrets) expect(logs).not.toContain(secret.slice(4, 24));
    const stored = await g.sql<{ secretHash: string }>('SELECT "secretHash" FROM "Trigger"');
    expect(stored.length).toBeGreaterThan(5);
    for (const row of stored) expect(secrets).not.toContain(row.secretHash);
  });
});
