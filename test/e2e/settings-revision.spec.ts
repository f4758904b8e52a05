/**
 * The write path keeps a project's guardrail policies and freeze windows in memory, checked against
 * Project.settingsRevision read under the flag's lock (triggers bump it in every change's
 * transaction). Whatever changes them — the API on another node, or SQL that never passes through
 * Gantry — the next write on a node whose copies are warm sees the change.
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../support/app-harness';
import { factory, ok, type Project } from '../support/factories';

describe('guardrail and freeze settings seen by the next write on every node', () => {
  let g: Gantry;
  let other: GantryNode;
  let a: ApiClient;
  let b: ApiClient;
  let project: Project;
  let variationId: string;
  let n = 0;

  /** A write through node A that targets a new user (so it changes something every time). */
  const write = () =>
    a.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: project.key, flagKey: 'checkout' } },
      body: { environmentKey: 'staging', instructions: [{ kind: 'addTargets', variationId, values: [`u${++n}`] }] },
    });
  const status = async () => (await write()).response.status;
  const revision = async () =>
    (await g.sql<{ r: string }>('SELECT "settingsRevision"::text AS r FROM "Project" WHERE key = $1', [project.key]))[0]
      .r;

  beforeAll(async () => {
    g = await startGantry({ role: 'api' });
    other = await startSecondNode(g);
    a = g.client(g.ownerToken);
    b = other.client(g.ownerToken);
    project = await factory.project(a, { environments: ['staging'] });
    const flag = await factory.flag(a, project.key, { key: 'checkout', variations: ['off', 'on'] });
    variationId = flag.variations[0]._id;
    // Node A's copies of the (empty) lists are warm after these.
    expect([await status(), await status()]).toEqual([200, 200]);
  });
  afterAll(() => g?.stop());

  it('a freeze created and removed on another node applies to the very next write', async () => {
    const before = await revision();
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const freeze = ok(
      await b.POST('/api/v1/projects/{projectKey}/freezes', {
        params: { path: { projectKey: project.key } },
        body: { name: 'quiet', from, to },
      }),
    );
    expect(await revision()).not.toBe(before);
    const refused = await write();
    expect(refused.response.status).toBe(423);
    expect(refused.error).toMatchObject({ code: 'freeze/active' });

    const removed = await b.DELETE('/api/v1/projects/{projectKey}/freezes/{id}', {
      params: { path: { projectKey: project.key, id: freeze.id } },
    });
    expect(removed.response.status).toBe(204);
    expect(await status()).toBe(200);
  });

  it('a guardrail policy put on another node, then changed in SQL behind Gantry, applies to the very next write', async () => {
    ok(
      await b.PUT('/api/v1/projects/{projectKey}/guardrail-policies/{key}', {
        params: { path: { projectKey: project.key, key: 'no-targets' } },
        body: { name: 'no targets', rules: [{ kind: 'forbidIndividualTargets', effect: 'block' }] },
      }),
    );
    const refused = await write();
    expect(refused.response.status).toBe(422);
    expect(refused.error).toMatchObject({ code: 'guardrail/violation' });

    // Not through Gantry at all: the trigger still moves the revision, so node A reads the rules again.
    await g.sql(`UPDATE "GuardrailPolicy" SET rules = '[]'::jsonb WHERE key = 'no-targets'`);
    expect(await status()).toBe(200);
    await g.sql(
      `UPDATE "GuardrailPolicy" SET rules = '[{"kind":"forbidIndividualTargets","effect":"block"}]'::jsonb WHERE key = 'no-targets'`,
    );
    expect(await status()).toBe(422);
    await g.sql(`DELETE FROM "GuardrailPolicy" WHERE key = 'no-targets'`);
    expect(await status()).toBe(200);
  });
});
