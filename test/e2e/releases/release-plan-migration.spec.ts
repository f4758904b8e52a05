/**
 * The release-plans migration on pipeline rows: old-shape ReleasePipeline and running PipelineRun
 * rows are inserted into a migrated database, the migration's SQL runs again (it is written to be
 * re-runnable and touches only rows still in the pipeline shape), and the rows come back as plans:
 * one phase per audience, parallel audiences as `with_previous`, the run's phase states re-indexed.
 * The legacy /release-pipelines view of the converted plan is the pipeline that was inserted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, ok, type Project, type Schemas } from '../../support/factories';

const MIGRATION = path.join(__dirname, '../../../prisma/migrations/20261206014818_release_plans/migration.sql');

describe('release plans migration', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;

  beforeAll(async () => {
    g = await startGantry({ role: 'api' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging', 'qa', 'production'] });
  });
  afterAll(() => g?.stop());

  it('turns pipelines and their running runs into plans', async () => {
    const flag = await factory.flag(owner, project.key, { variations: ['old', 'new'] });
    const [{ id: projectId }] = await g.sql<{ id: string }>('SELECT "id" FROM "Project" WHERE "key" = $1', [
      project.key,
    ]);
    const staged = { kind: 'staged', stages: [{ weight: 100000, durationMs: 1000 }] };
    const pipeline: Schemas['PhaseDto'][] = [
      {
        name: 'pre-production',
        audiences: [
          { environmentKey: 'staging', strategy: { kind: 'immediate' }, requireApproval: false },
          { environmentKey: 'qa', strategy: { kind: 'immediate' }, requireApproval: true },
        ],
      },
      {
        name: 'prod',
        audiences: [{ environmentKey: 'production', strategy: staged as never, requireApproval: false }],
      },
    ];
    const [{ id: pipelineId }] = await g.sql<{ id: string }>(
      `INSERT INTO "ReleasePipeline" ("id", "projectId", "key", "name", "phases", "updatedAt")
       VALUES (gen_random_uuid(), $1, 'legacy', 'Legacy', $2::jsonb, now()) RETURNING "id"`,
      [projectId, JSON.stringify(pipeline)],
    );
    const audiences = [
      { phase: 0, environmentKey: 'staging', status: 'completed' },
      { phase: 0, environmentKey: 'qa', status: 'completed', changeRequestId: 'cr-1' },
      { phase: 1, environmentKey: 'production', status: 'running', releaseId: 'rel-1' },
    ];
    await g.sql(
      `INSERT INTO "PipelineRun" ("id", "projectId", "pipelineId", "flagKey", "variationId", "status", "activeKey",
         "currentPhase", "phases", "audiences", "createdBy", "history", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, 'running', $5, 1, $6::jsonb, $7::jsonb, $8::jsonb, '[]', now())`,
      [
        projectId,
        pipelineId,
        flag.key,
        flag.variations[1]._id,
        `${projectId}:${flag.key}`,
        JSON.stringify(pipeline),
        JSON.stringify(audiences),
        JSON.stringify({ kind: 'member', id: 'm1', name: 'Migrated' }),
      ],
    );

    await g.sql(fs.readFileSync(MIGRATION, 'utf8'));

    const plan = ok(
      await owner.GET('/api/v1/projects/{projectKey}/release-plans/{key}', {
        params: { path: { projectKey: project.key, key: 'legacy' } },
      }),
    );
    expect(plan).toMatchObject({ key: 'legacy', version: 1, default: false, forTags: [], expireAfterMs: null });
    const common = { soakMs: 0, turnFlagOn: false };
    expect(plan.phases).toEqual([
      {
        name: 'pre-production',
        environmentKey: 'staging',
        strategy: { kind: 'immediate' },
        requireApproval: false,
        trigger: { kind: 'previous' },
        ...common,
      },
      {
        name: 'pre-production',
        environmentKey: 'qa',
        strategy: { kind: 'immediate' },
        requireApproval: true,
        trigger: { kind: 'with_previous' },
        ...common,
      },
      {
        name: 'prod',
        environmentKey: 'production',
        strategy: staged,
        requireApproval: false,
        trigger: { kind: 'previous' },
        ...common,
      },
    ]);
    // The legacy endpoint still shows it as the pipeline it was.
    const legacy = ok(
      await owner.GET('/api/v1/projects/{projectKey}/release-pipelines/{key}', {
        params: { path: { projectKey: project.key, key: 'legacy' } },
      }),
    );
    expect(legacy.phases).toEqual(pipeline);

    const run = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/release', {
        params: { path: { projectKey: project.key, flagKey: flag.key } },
      }),
    );
    expect(run).toMatchObject({ planKey: 'legacy', planVersion: 1, status: 'running', currentPhase: 2 });
    expect(run.phases.map((p) => [p.environmentKey, p.trigger?.kind])).toEqual([
      ['staging', 'previous'],
      ['qa', 'with_previous'],
      ['production', 'previous'],
    ]);
    expect(run.audiences).toEqual([
      { phase: 0, environmentKey: 'staging', status: 'completed' },
      { phase: 1, environmentKey: 'qa', status: 'completed', changeRequestId: 'cr-1' },
      { phase: 2, environmentKey: 'production', status: 'running', releaseId: 'rel-1' },
    ]);

    // Running it again changes nothing (rows already in the plan shape are left alone).
    const before = await g.sql('SELECT "phases", "audiences", "currentPhase" FROM "PipelineRun"');
    await g.sql(fs.readFileSync(MIGRATION, 'utf8'));
    expect(await g.sql('SELECT "phases", "audiences", "currentPhase" FROM "PipelineRun"')).toEqual(before);
  });
});
