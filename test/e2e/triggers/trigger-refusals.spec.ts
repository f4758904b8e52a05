/**
 * Flag triggers end to end, what they refuse (firing: triggers.spec.ts): a flag that refuses the
 * action is a 409 with the write path's code; creating one in an environment that requires approval
 * is break-glass (bypassRequiredApproval and a reason), and a trigger made without it is held to
 * approval settings that gate its environment later; readers list but do not manage; bad input is a
 * 4xx with a reason; firing is rate-limited per trigger; and no secret leaks.
 */
import { factory, ok } from '../../support/factories';
import { flagIn, setApprovalSettings } from '../../support/governance';
import { itLeavesNoSecret, triggerNode, triggerPath, triggersPath, type Problem } from '../../support/triggers';

describe('trigger refusals', () => {
  const node = triggerNode();

  it("the flag refusing the action is a 409 with the write path's code: counted, body kept, nothing written", async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.writer.api, flag.key, {
      name: 'late',
      action: { kind: 'turnFlagOn' },
    });
    // Archiving touches production too (critical): the node.owner breaks glass, with a reason.
    await factory.patchFlag(
      node.owner,
      node.project.key,
      flag.key,
      { instructions: [{ kind: 'archiveFlag' }] },
      { bypassReason: 'set-up: archive the flag under the trigger' },
    );
    const refused = await node.fire(trigger.url, { body: { why: 'alert' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'flag/archived' });
    const read = await node.getTrigger(flag.key, trigger.id);
    expect(read.triggerCount).toBe(1);
    expect(read.recentBodies[0]).toMatchObject({ outcome: 'failed', code: 'flag/archived', body: { why: 'alert' } });
    expect((await flagIn(node.owner, node.project.key, flag.key)).environments.staging.on).toBe(false);

    // Stored instructions that no longer fit the flag: a 409 of the trigger's own (the call itself was fine),
    // naming the write path's 400 code, which the kept body records.
    const colors = await factory.flag(node.owner, node.project.key, { variations: ['red', 'green', 'blue'] });
    const green = colors.variations[1]._id;
    const stale = await node.createTrigger(node.writer.api, colors.key, {
      name: 'green',
      action: {
        kind: 'instructions',
        instructions: [{ kind: 'updateFallthroughVariationOrRollout', variationId: green }],
      },
    });
    await factory.patchFlag(
      node.owner,
      node.project.key,
      colors.key,
      { instructions: [{ kind: 'removeVariation', variationId: green }] },
      { bypassReason: 'set-up: remove the variation the trigger names' },
    );
    const conflict = await node.fire(stale.url);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      code: 'trigger/action_not_applicable',
      detail: expect.stringContaining('patch/invalid_instruction'),
      errors: [expect.objectContaining({ index: 0 })],
    });
    expect((await node.getTrigger(colors.key, stale.id)).recentBodies[0]).toMatchObject({
      outcome: 'failed',
      code: 'patch/invalid_instruction',
    });
  });

  it(
    'approval: a node.writer cannot create a trigger in a critical environment, ' +
      "an node.admin can, and anyone's call then goes through",
    async () => {
      const flag = await factory.flag(node.owner, node.project.key);
      const refused = await node.createCall(
        node.writer.api,
        flag.key,
        { name: 'prod on', action: { kind: 'turnFlagOn' } },
        'production',
      );
      expect(refused.response.status).toBe(403);
      expect(refused.error).toMatchObject({ code: 'approval/required' });
      // Turning off a flag that is off changes nothing now, but the trigger could node.fire later: still gated.
      const off = await node.createCall(
        node.writer.api,
        flag.key,
        { name: 'prod off', action: { kind: 'turnFlagOff' } },
        'production',
      );
      expect(off.error).toMatchObject({ code: 'approval/required' });

      // The node.admin breaks glass: a trigger URL is a standing permission to write past the approval.
      const trigger = await node.createTrigger(
        node.admin.api,
        flag.key,
        { name: 'prod on', action: { kind: 'turnFlagOn' }, bypass: { reason: 'incident kill switch' } },
        'production',
      );
      expect(trigger.bypassesApproval).toBe(true);
      expect((await node.fire(trigger.url)).body).toMatchObject({ changed: true });
      expect((await flagIn(node.owner, node.project.key, flag.key)).environments.production.on).toBe(true);

      // Someone who could not have created it may not rotate it (and so learn a URL that bypasses approval).
      const rotate = await node.writer.api.POST(
        '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers/{id}/rotate',
        { params: { path: { ...node.ids(flag.key, 'production'), id: trigger.id } } },
      );
      expect(rotate.response.status).toBe(403);
      expect(rotate.error).toMatchObject({ code: 'approval/required' });
    },
  );

  it('a trigger made without bypass is held to approval settings that gate its environment later', async () => {
    const p = await factory.project(node.owner, { environments: ['qa'] });
    const flag = await factory.flag(node.owner, p.key);
    const created = ok(
      await node.writer.api.POST(triggersPath, {
        params: { path: { projectKey: p.key, flagKey: flag.key, envKey: 'qa' } },
        body: { name: 'qa on', action: { kind: 'turnFlagOn' } },
      }),
    );
    node.secrets.push(created.secret);
    await setApprovalSettings(node.owner, p.key, 'qa', { required: true });
    const refused = await node.fire(created.url);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'approval/required' });
    expect((await flagIn(node.owner, p.key, flag.key)).environments.qa.on).toBe(false);
  });

  it('readers can list triggers but not create them; managing needs manageTriggers', async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    await node.createTrigger(node.writer.api, flag.key, { name: 'listed', action: { kind: 'turnFlagOn' } });
    const refused = await node.createCall(node.reader.api, flag.key, { name: 'nope', action: { kind: 'turnFlagOn' } });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'auth/forbidden' });
    const listed = ok(await node.reader.api.GET(triggersPath, { params: { path: node.ids(flag.key) } }));
    expect(listed.items.map((t) => t.name)).toEqual(['listed']);
    const id = listed.items[0].id;
    expect(
      (
        await node.reader.api.PATCH(triggerPath, {
          params: { path: { ...node.ids(flag.key), id } },
          body: { enabled: false },
        })
      ).response.status,
    ).toBe(403);
    expect(
      (await node.reader.api.DELETE(triggerPath, { params: { path: { ...node.ids(flag.key), id } } })).response.status,
    ).toBe(403);
  });

  it('refuses bad input with a 4xx and a reason', async () => {
    const flag = await factory.flag(node.owner, node.project.key, { variations: ['a', 'b'] });
    const create = (
      body: unknown,
      path = `/api/v1/projects/${node.project.key}/flags/${flag.key}/environments/staging/triggers`,
    ) => node.g.raw<Problem>('POST', path, { token: node.g.ownerToken, body });

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
        `/api/v1/projects/${node.project.key}/flags/no-such-flag/environments/staging/triggers`,
      ),
    ).toMatchObject({ status: 404, body: { code: 'flag/not_found' } });
    expect(
      await create(
        { name: 'x', action: { kind: 'turnFlagOn' } },
        `/api/v1/projects/${node.project.key}/flags/${flag.key}/environments/nowhere/triggers`,
      ),
    ).toMatchObject({ status: 404, body: { code: 'environment/not_found' } });
    expect(
      await create(
        { name: 'x', action: { kind: 'turnFlagOn' } },
        `/api/v1/projects/${node.project.key}/flags/bad%20key/environments/staging/triggers`,
      ),
    ).toMatchObject({ status: 400, body: { code: 'request/invalid_key' } });

    const base = `/api/v1/projects/${node.project.key}/flags/${flag.key}/environments/staging/triggers`;
    expect(await node.g.raw('GET', `${base}/not-a-uuid`, { token: node.g.ownerToken })).toMatchObject({ status: 400 });
    expect(
      await node.g.raw('GET', `${base}/00000000-0000-4000-8000-000000000000`, { token: node.g.ownerToken }),
    ).toMatchObject({
      status: 404,
      body: { code: 'trigger/not_found' },
    });
    expect(
      await node.g.raw('PATCH', `${base}/00000000-0000-4000-8000-000000000000`, {
        token: node.g.ownerToken,
        body: { enabled: 'yes' },
      }),
    ).toMatchObject({ status: 400 });
    // A trigger is only found under its own flag and environment.
    const t = await node.createTrigger(node.owner, flag.key, { name: 'scoped', action: { kind: 'turnFlagOn' } });
    expect(
      await node.g.raw(
        'GET',
        `/api/v1/projects/${node.project.key}/flags/${flag.key}/environments/production/triggers/${t.id}`,
        {
          token: node.g.ownerToken,
        },
      ),
    ).toMatchObject({ status: 404, body: { code: 'trigger/not_found' } });
    // Without a token, management is closed; the trigger URL is the only open door.
    expect((await node.g.raw('GET', base)).status).toBe(401);
  });

  it('is rate-limited per trigger: 429 trigger/rate_limited with Retry-After, not counted', async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.owner, flag.key, { name: 'noisy', action: { kind: 'turnFlagOn' } });
    let accepted = 0;
    let limited: Awaited<ReturnType<typeof node.fire>> | undefined;
    // The window is fixed (per minute), so a run across a window boundary may need up to twice the limit.
    for (let i = 0; i < 130 && !limited; i++) {
      const res = await node.fire(trigger.url);
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
    expect((await node.getTrigger(flag.key, trigger.id)).triggerCount).toBe(accepted);
  });

  itLeavesNoSecret(node, 5);
});
