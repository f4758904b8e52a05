/**
 * The audit log is hash-chained (DESIGN §3): editing or deleting an entry behind Gantry's back,
 * directly in PostgreSQL, is reported by `GET /api/v1/audit-log/verify` with the first broken entry.
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok } from '../support/factories';

describe('audit chain tampering', () => {
  let gantry: Gantry;
  let api: ApiClient;
  let ids: string[];

  beforeAll(async () => {
    gantry = await startGantry();
    api = gantry.client(gantry.ownerToken);
    await factory.project(api, { key: 'ledger', environments: ['production'] });
    await factory.flag(api, 'ledger', { key: 'a' });
    for (const kind of ['turnFlagOn', 'turnFlagOff', 'turnFlagOn'] as const) {
      await factory.patchFlag(api, 'ledger', 'a', {
        environmentKey: 'production',
        instructions: [{ kind }],
        comment: kind,
      });
    }
    ids = (await gantry.sql<{ id: string }>('SELECT id::text AS id FROM "AuditEntry" ORDER BY id')).map((r) => r.id);
  });

  afterAll(async () => {
    await gantry?.stop();
  });

  it('verifies while nobody has touched the table', async () => {
    expect(ids.length).toBeGreaterThanOrEqual(7); // bootstrap (2), project, flag, three changes
    expect(ok(await api.GET('/api/v1/audit-log/verify'))).toEqual({ ok: true, checked: ids.length });
  });

  it('verifies as a background job whose progress and result can be polled', async () => {
    const started = await gantry.raw('POST', '/api/v1/audit-log/verifications', { token: gantry.ownerToken });
    expect(started.status).toBe(201);
    // The worker (GANTRY_ROLE=all) picks the job up; poll with a generous bound, not a timing assertion.
    let view = started.body;
    for (let i = 0; i < 300 && view.state !== 'completed' && view.state !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = (
        await gantry.raw('GET', `/api/v1/audit-log/verifications/${started.body.id}`, { token: gantry.ownerToken })
      ).body;
    }
    expect(view).toMatchObject({
      state: 'completed',
      checked: ids.length,
      result: { ok: true, checked: ids.length },
      error: null,
    });
    const unknown = await gantry.raw('GET', '/api/v1/audit-log/verifications/999999', { token: gantry.ownerToken });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'audit_verification/not_found']);
  });

  it('reports the entry whose content was edited in the database', async () => {
    const victim = ids[ids.length - 2];
    const [original] = await gantry.sql<{ comment: string }>('SELECT comment FROM "AuditEntry" WHERE id = $1', [
      victim,
    ]);
    expect(original.comment).toBe('turnFlagOff');

    await gantry.sql('UPDATE "AuditEntry" SET comment = $2 WHERE id = $1', [victim, 'nothing to see here']);
    const verdict = ok(await api.GET('/api/v1/audit-log/verify'));
    expect(verdict).toEqual({
      ok: false,
      checked: ids.length - 1,
      firstBrokenId: victim,
      reason: 'content does not match its hash',
    });

    // Detection is about content, not a flag set once: putting the original back verifies again.
    await gantry.sql('UPDATE "AuditEntry" SET comment = $2 WHERE id = $1', [victim, original.comment]);
    expect(ok(await api.GET('/api/v1/audit-log/verify'))).toEqual({ ok: true, checked: ids.length });
  });

  it('reports a change to the recorded before/after snapshot', async () => {
    const victim = ids[ids.length - 1];
    await gantry.sql(
      `UPDATE "AuditEntry" SET "after" = jsonb_set("after"::jsonb, '{environment,on}', 'false') WHERE id = $1`,
      [victim],
    );
    const verdict = ok(await api.GET('/api/v1/audit-log/verify'));
    expect(verdict).toMatchObject({ ok: false, firstBrokenId: victim });
  });

  it('reports the entry after one that was deleted', async () => {
    const [, second, third] = ids;
    await gantry.sql('DELETE FROM "AuditEntry" WHERE id = $1', [second]);
    const verdict = ok(await api.GET('/api/v1/audit-log/verify'));
    expect(verdict).toEqual({
      ok: false,
      checked: 2,
      firstBrokenId: third,
      reason: 'prevHash does not match the previous entry',
    });
  });
});
