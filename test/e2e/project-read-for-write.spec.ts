/**
 * A flag write starts from the project as this node last read it (ProjectsService.requireForWrite)
 * and decides nothing on that copy alone: every change to the project, its environments, guardrails
 * and freezes bumps Project.settingsRevision (triggers), the write reads the revision under its flag
 * lock, and reads the project again in its transaction when it moved; a 404 is answered only from a
 * read of now. Node A's copy is warm before each change below, which is made on node B or in SQL.
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../support/app-harness';
import { factory, ok } from '../support/factories';
import { setApprovalSettings } from '../support/governance';

describe('a flag write on a node whose copy of the project is older than the project', () => {
  let g: Gantry;
  let other: GantryNode;
  let a: ApiClient;
  let b: ApiClient;
  let n = 0;

  beforeAll(async () => {
    g = await startGantry({ role: 'api' });
    other = await startSecondNode(g);
    a = g.client(g.ownerToken);
    b = other.client(g.ownerToken);
  });
  afterAll(() => g?.stop());

  /** A write through node A that turns the flag on or off (so it changes something every time). */
  const write = (projectKey: string, environmentKey: string, flagKey = 'checkout') =>
    a.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey, flagKey } },
      body: { environmentKey, instructions: [{ kind: n++ % 2 === 0 ? 'turnFlagOn' : 'turnFlagOff' }] },
    });
  const status = async (projectKey: string, environmentKey: string) =>
    (await write(projectKey, environmentKey)).response.status;
  const revision = async (projectKey: string) =>
    (await g.sql<{ r: string }>('SELECT "settingsRevision"::text AS r FROM "Project" WHERE key = $1', [projectKey]))[0]
      .r;
  const newProject = async (key: string) => {
    const project = await factory.project(b, { key, environments: ['staging', 'production'] });
    await factory.flag(b, project.key, { key: 'checkout', variations: ['off', 'on'] });
    expect(await status(project.key, 'staging')).toBe(200); // node A's copy is warm
    return project;
  };

  it('flag writes leave the revision where it was, so the copy keeps serving', async () => {
    const project = await newProject('rev-steady');
    const before = await revision(project.key);
    expect([await status(project.key, 'staging'), await status(project.key, 'production')]).toEqual([200, 200]);
    expect(await revision(project.key)).toBe(before);
  });

  it('answers a missing flag 404 from the copy when the project is the same, and counts one rejection', async () => {
    const project = await newProject('rev-missing');
    const rejected = async () =>
      Number(
        /gantry_targeting_writes_total\{kind="flag",outcome="rejected"\} (\d+)/.exec(
          (await g.raw<string>('GET', '/metrics')).text,
        )?.[1] ?? 0,
      );
    const before = await rejected();
    const missing = await write(project.key, 'staging', 'no-such-flag');
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: 'flag/not_found' });
    expect((await rejected()) - before).toBe(1);
  });

  it('approval required on another node gates the very next write', async () => {
    const project = await newProject('rev-approval');
    await setApprovalSettings(b, project.key, 'staging', { required: true, minApprovals: 1 });
    // The owner may break glass, so the gate asks for a reason rather than an approval.
    const refused = await write(project.key, 'staging');
    expect(refused.response.status).toBe(428);
    expect(refused.error).toMatchObject({ code: 'approval/bypass_reason_required' });
    expect(await status(project.key, 'production')).toBe(200);
  });

  it('approval settings changed in SQL behind Gantry gate the very next write', async () => {
    const project = await newProject('rev-sql');
    const before = await revision(project.key);
    await g.sql(
      `UPDATE "Environment" SET "approvalSettings" = '{"required":true,"minApprovals":1}'::jsonb
        WHERE key = 'staging' AND "projectId" = (SELECT id FROM "Project" WHERE key = $1)`,
      [project.key],
    );
    expect(await revision(project.key)).not.toBe(before);
    expect((await write(project.key, 'staging')).error).toMatchObject({ code: 'approval/bypass_reason_required' });
  });

  it('writes to an environment created on another node, and 404s one deleted there', async () => {
    const project = await newProject('rev-envs');
    ok(
      await b.POST('/api/v1/projects/{projectKey}/environments', {
        params: { path: { projectKey: project.key } },
        body: { key: 'qa', name: 'QA' },
      }),
    );
    expect(await status(project.key, 'qa')).toBe(200);

    const deleted = await b.DELETE('/api/v1/projects/{projectKey}/environments/{envKey}', {
      params: { path: { projectKey: project.key, envKey: 'qa' } },
    });
    expect(deleted.response.status).toBe(204);
    const gone = await write(project.key, 'qa');
    expect(gone.response.status).toBe(404);
    expect(gone.error).toMatchObject({ code: 'environment/not_found' });
  });

  it('writes to a project deleted and made again under its key on another node, and 404s one deleted', async () => {
    const project = await newProject('rev-again');
    const deleteIt = async () =>
      (await b.DELETE('/api/v1/projects/{projectKey}', { params: { path: { projectKey: project.key } } })).response
        .status;
    expect(await deleteIt()).toBe(204);
    await factory.project(b, { key: project.key, environments: ['staging'] });
    await factory.flag(b, project.key, { key: 'checkout', variations: ['off', 'on'] });
    const written = ok(await write(project.key, 'staging'));
    expect(Object.keys(written.environments)).toEqual(['staging']);

    expect(await deleteIt()).toBe(204);
    const gone = await write(project.key, 'staging');
    expect(gone.response.status).toBe(404);
    expect(gone.error).toMatchObject({ code: 'project/not_found' });
  });
});
