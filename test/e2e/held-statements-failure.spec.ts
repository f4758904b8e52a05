/**
 * A flag write holds back its version row, outbox row and audit entry and sends them in its COMMIT's
 * message (PrismaService.sqlAtCommit). When one of them fails, the write fails as a
 * whole: the caller gets an error, and nothing of it stays (no version, no outbox row, no revision,
 * no audit entry); the next write goes through and the audit chain stays whole. A connection lost
 * there is the 503 of an unreachable database, as it was when the statements went one by one.
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { factory, ok, type Project } from '../support/factories';

describe('a flag write whose held writes fail in its COMMIT’s message', () => {
  let g: Gantry;
  let api: ApiClient;
  let project: Project;
  let variationId: string;

  const write = (comment: string, user: string) =>
    api.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: project.key, flagKey: 'checkout' } },
      body: { environmentKey: 'staging', comment, instructions: [{ kind: 'addTargets', variationId, values: [user] }] },
    });
  const counts = async () =>
    (
      await g.sql<{ versions: number; outbox: number; audit: number; revision: string }>(
        `SELECT (SELECT count(*)::int FROM "FlagVersion") AS versions, (SELECT count(*)::int FROM "OutboxEvent") AS outbox,
                (SELECT count(*)::int FROM "AuditEntry") AS audit,
                (SELECT revision::text FROM "Environment" e JOIN "Project" p ON p.id = e."projectId"
                  WHERE p.key = $1 AND e.key = 'staging') AS revision`,
        [project.key],
      )
    )[0];
  const stagingVersion = async () =>
    ok(
      await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: project.key, flagKey: 'checkout' } },
      }),
    ).environments.staging.version;

  beforeAll(async () => {
    g = await startGantry({ role: 'api' });
    api = g.client(g.ownerToken);
    project = await factory.project(api, { environments: ['staging'] });
    const flag = await factory.flag(api, project.key, { key: 'checkout', variations: ['off', 'on'] });
    variationId = flag.variations[0]._id;
    // Refuses one audit entry, as a full disk would, or loses its connection.
    await g.sql(`CREATE FUNCTION refuse_marked_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.comment = 'refuse me' THEN RAISE EXCEPTION 'audit entry refused'; END IF;
        IF NEW.comment = 'lose the connection' THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
        RETURN NEW;
      END $$`);
    await g.sql(`CREATE TRIGGER refuse_marked_audit BEFORE INSERT ON "AuditEntry"
      FOR EACH ROW EXECUTE FUNCTION refuse_marked_audit()`);
  });
  afterAll(() => g?.stop());

  it('fails, keeps nothing of the write, and the next write and the chain are whole', async () => {
    ok(await write('first', 'u1'));
    const version = await stagingVersion();
    const before = await counts();

    const refused = await write('refuse me', 'u2');
    expect(refused.response.status).toBe(500);
    expect(refused.error).toMatchObject({ code: 'internal' });
    expect(JSON.stringify(refused.error)).not.toContain('audit entry refused');
    expect(await counts()).toEqual(before);
    expect(await stagingVersion()).toBe(version);

    ok(await write('after', 'u3'));
    expect(await stagingVersion()).toBe(version + 1);
    const after = await counts();
    expect(after).toMatchObject({ versions: before.versions + 1, outbox: before.outbox + 1, audit: before.audit + 1 });
    expect(BigInt(after.revision)).toBe(BigInt(before.revision) + 1n);
    expect(ok(await api.GET('/api/v1/audit-log/verify'))).toEqual({ ok: true, checked: after.audit });
  });

  it('answers 503 unavailable when the connection dies there, and keeps nothing', async () => {
    const version = await stagingVersion();
    const before = await counts();
    const lost = await write('lose the connection', 'u4');
    expect(lost.response.status).toBe(503);
    expect(lost.error).toMatchObject({ code: 'unavailable' });
    expect(await counts()).toEqual(before);
    expect(await stagingVersion()).toBe(version);
    ok(await write('after the loss', 'u5'));
    expect(await stagingVersion()).toBe(version + 1);
  });
});
