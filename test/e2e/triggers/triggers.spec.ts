/**
 * Flag triggers end to end: an action behind an unguessable URL, fired without a token. Firing
 * writes through the one write path with the trigger as the audited actor; it is idempotent (an
 * action that changes nothing writes nothing, an Idempotency-Key repeat answers the first result),
 * refused when disabled or unknown, rotated, and the secret appears only in the answers that
 * create or rotate it. Refusals, governance, bad input and rate limits: trigger-refusals.spec.ts.
 */
import { randomBytes } from 'node:crypto';
import { factory, ok } from '../../support/factories';
import { auditOf, flagAuditResource, flagIn } from '../../support/governance';
import { itLeavesNoSecret, triggerNode, triggerPath } from '../../support/triggers';

describe('triggers', () => {
  const node = triggerNode();

  it('firing turnFlagOn turns the flag on, with the trigger as the audited actor; the URL is shown once', async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.writer.api, flag.key, {
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
    expect(trigger.url).toBe(`${node.g.baseUrl}/api/v1/triggers/${trigger.secret}`);
    expect(trigger.secretHint).toBe(trigger.secret.slice(-4));

    const fired = await node.fire(trigger.url, { body: { pipeline: 'main', run: 42 } });
    expect(fired.status).toBe(200);
    expect(fired.body).toMatchObject({ triggerId: trigger.id, changed: true, version: 2, replayed: false });
    expect((await flagIn(node.owner, node.project.key, flag.key)).environments.staging.on).toBe(true);

    const [entry] = await auditOf(node.owner, flagAuditResource(node.project.key, 'staging', flag.key), 'updateOn');
    expect(entry.actor).toMatchObject({ kind: 'trigger', id: trigger.id, name: 'trigger deploy finished' });
    expect(entry.links).toMatchObject({
      trigger: { id: trigger.id, name: 'deploy finished' },
      instructions: ['turnFlagOn'],
    });
    const [created] = await auditOf(
      node.owner,
      flagAuditResource(node.project.key, 'staging', flag.key),
      'createTrigger',
    );
    expect(created.actor).toMatchObject({ kind: 'member', id: node.writer.member.id });
  });

  it('is idempotent: firing again changes nothing and writes no version, but is counted and its body kept', async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.writer.api, flag.key, { name: 'on', action: { kind: 'turnFlagOn' } });
    expect((await node.fire(trigger.url)).body).toMatchObject({ changed: true, version: 2 });
    const again = await node.fire(trigger.url, {
      body: 'plain text from a shell script',
      headers: { 'content-type': 'text/plain' },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changed: false, version: 2 });

    const versions = ok(
      await node.owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/versions', {
        params: { path: node.ids(flag.key) },
      }),
    );
    expect(versions.items.map((v) => v.version)).toEqual([2, 1]);
    expect(
      await auditOf(node.owner, flagAuditResource(node.project.key, 'staging', flag.key), 'updateOn'),
    ).toHaveLength(1);

    const read = await node.getTrigger(flag.key, trigger.id);
    expect(read.triggerCount).toBe(2);
    expect(read.lastTriggeredAt).not.toBeNull();
    expect(read.recentBodies).toMatchObject([
      { outcome: 'unchanged', version: 2, body: 'plain text from a shell script', truncated: false },
      { outcome: 'changed', version: 2, body: null, truncated: false },
    ]);
  });

  it('concurrent calls are each counted once and change the flag once', async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.writer.api, flag.key, {
      name: 'burst',
      action: { kind: 'turnFlagOn' },
    });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => node.fire(trigger.url, { body: { i } })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((r) => r.body.changed)).toHaveLength(1);
    const read = await node.getTrigger(flag.key, trigger.id);
    expect(read.triggerCount).toBe(8);
    expect(read.recentBodies.map((b) => (b.body as { i: number }).i).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(
      await auditOf(node.owner, flagAuditResource(node.project.key, 'staging', flag.key), 'updateOn'),
    ).toHaveLength(1);
  });

  it('keeps the last 10 bodies, each cut to 4 KB, whatever they contain', async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.owner, flag.key, { name: 'alerts', action: { kind: 'turnFlagOff' } });
    expect((await node.fire(trigger.url, { body: { text: 'x'.repeat(10_000) } })).status).toBe(200);
    expect(
      (await node.fire(trigger.url, { body: { odd: 'nul \u0000 and lone \ud800 surrogate', nested: [[[{}]]] } }))
        .status,
    ).toBe(200);
    expect((await node.fire(trigger.url, { body: [1, 'two', null, true] })).status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await node.fire(trigger.url, { body: { i } })).status).toBe(200);

    const read = await node.getTrigger(flag.key, trigger.id);
    expect(read.triggerCount).toBe(12);
    expect(read.recentBodies).toHaveLength(10);
    expect(read.recentBodies[0].body).toEqual({ i: 8 });
    expect(read.recentBodies[9]).toMatchObject({ body: [1, 'two', null, true] });

    const other = await node.createTrigger(node.owner, flag.key, { name: 'big', action: { kind: 'turnFlagOff' } });
    await node.fire(other.url, { body: { text: 'x'.repeat(10_000) } });
    await node.fire(other.url, { body: { odd: 'nul \u0000 here' } });
    const [odd, big] = (await node.getTrigger(flag.key, other.id)).recentBodies;
    expect(big).toMatchObject({ truncated: true, bytes: 10_011 });
    expect(typeof big.body).toBe('string');
    expect(Buffer.byteLength(big.body as string)).toBeLessThanOrEqual(4096);
    expect(odd).toMatchObject({ truncated: false, body: { odd: 'nul \ufffd here' } });
  });

  it('runs a stored instruction list', async () => {
    const flag = await factory.flag(node.owner, node.project.key, { variations: ['red', 'green', 'blue'] });
    const blue = flag.variations[2]._id;
    const trigger = await node.createTrigger(node.writer.api, flag.key, {
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
    expect((await node.fire(trigger.url)).body).toMatchObject({ changed: true });
    const staging = (await flagIn(node.owner, node.project.key, flag.key)).environments.staging;
    expect(staging).toMatchObject({ on: true, fallthrough: { variation: 2 } });
    const [entry] = await auditOf(node.owner, flagAuditResource(node.project.key, 'staging', flag.key), 'updateFlag');
    expect(entry.actor).toMatchObject({ kind: 'trigger', id: trigger.id });
  });

  it('a disabled trigger is refused (409 trigger/disabled) and changes nothing until enabled again', async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.writer.api, flag.key, {
      name: 'kill switch',
      action: { kind: 'turnFlagOn' },
    });
    const disabled = ok(
      await node.writer.api.PATCH(triggerPath, {
        params: { path: { ...node.ids(flag.key), id: trigger.id } },
        body: { enabled: false },
      }),
    );
    expect(disabled).toMatchObject({ enabled: false, name: 'kill switch' });

    const refused = await node.fire(trigger.url);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'trigger/disabled' });
    expect((await flagIn(node.owner, node.project.key, flag.key)).environments.staging.on).toBe(false);
    expect((await node.getTrigger(flag.key, trigger.id)).triggerCount).toBe(0);

    ok(
      await node.writer.api.PATCH(triggerPath, {
        params: { path: { ...node.ids(flag.key), id: trigger.id } },
        body: { enabled: true, name: 'renamed' },
      }),
    );
    expect((await node.fire(trigger.url)).body).toMatchObject({ changed: true });
    const updates = await auditOf(
      node.owner,
      flagAuditResource(node.project.key, 'staging', flag.key),
      'updateTrigger',
    );
    expect(updates.map((u) => u.after)).toEqual([
      { name: 'renamed', enabled: true },
      { name: 'kill switch', enabled: false },
    ]);
  });

  it('an unknown or malformed secret is 404 trigger/not_found; so is a deleted trigger', async () => {
    for (const secret of [`gtr_${randomBytes(32).toString('base64url')}`, 'nope', `gtr_${'a'.repeat(80)}`, 'gtr_!!!']) {
      const res = await node.g.raw('POST', `/api/v1/triggers/${secret}`, { body: {} });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'trigger/not_found' });
    }
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.writer.api, flag.key, {
      name: 'temp',
      action: { kind: 'turnFlagOn' },
    });
    const removed = await node.writer.api.DELETE(triggerPath, {
      params: { path: { ...node.ids(flag.key), id: trigger.id } },
    });
    expect(removed.response.status).toBe(204);
    expect((await node.fire(trigger.url)).status).toBe(404);
    expect(
      (await node.owner.GET(triggerPath, { params: { path: { ...node.ids(flag.key), id: trigger.id } } })).error,
    ).toMatchObject({ code: 'trigger/not_found' });
    expect(
      await auditOf(node.owner, flagAuditResource(node.project.key, 'staging', flag.key), 'deleteTrigger'),
    ).toHaveLength(1);
  });

  it('rotation: the old URL stops working, the new one works, and only the rotation answer shows it', async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.writer.api, flag.key, {
      name: 'rotate me',
      action: { kind: 'turnFlagOn' },
    });
    const rotated = ok(
      await node.writer.api.POST(
        '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/triggers/{id}/rotate',
        { params: { path: { ...node.ids(flag.key), id: trigger.id } } },
      ),
    );
    node.secrets.push(rotated.secret);
    expect(rotated.secret).not.toBe(trigger.secret);
    expect(rotated.secretHint).toBe(rotated.secret.slice(-4));
    expect((await node.fire(trigger.url)).status).toBe(404);
    expect((await node.fire(rotated.url)).body).toMatchObject({ changed: true });
    const [entry] = await auditOf(
      node.owner,
      flagAuditResource(node.project.key, 'staging', flag.key),
      'rotateTrigger',
    );
    expect(entry).toMatchObject({
      before: { secretHint: trigger.secretHint },
      after: { secretHint: rotated.secretHint },
    });
  });

  it('an Idempotency-Key repeated answers the first result without firing again', async () => {
    const flag = await factory.flag(node.owner, node.project.key);
    const trigger = await node.createTrigger(node.writer.api, flag.key, { name: 'ci', action: { kind: 'turnFlagOn' } });
    const headers = { 'idempotency-key': `run-${randomBytes(4).toString('hex')}` };
    const first = await node.fire(trigger.url, { headers, body: { attempt: 1 } });
    expect(first.body).toMatchObject({ changed: true, replayed: false });
    const repeat = await node.fire(trigger.url, { headers, body: { attempt: 2 } });
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual({ ...first.body, replayed: true });
    expect((await node.getTrigger(flag.key, trigger.id)).triggerCount).toBe(1);

    // Another key is another call (unchanged: the flag is already on).
    expect((await node.fire(trigger.url, { headers: { 'idempotency-key': 'other' } })).body).toMatchObject({
      changed: false,
      replayed: false,
    });
    expect((await node.getTrigger(flag.key, trigger.id)).triggerCount).toBe(2);

    const bad = await node.fire(trigger.url, { headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'trigger/invalid_idempotency_key' });
  });

  itLeavesNoSecret(node, 6);
});
