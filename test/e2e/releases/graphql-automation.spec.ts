/**
 * Release automation through GraphQL: the same services as REST — schedule a change, start a
 * staged release, pause and roll it back; domain errors keep their codes.
 */
import { startGantry, type ApiClient, type Gantry } from '../../support/app-harness';
import { factory, type Project } from '../../support/factories';

interface GqlResult<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe('GraphQL for release automation', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) =>
    (await g.raw('POST', '/graphql', { token: g.ownerToken, body: { query, variables } })).body as GqlResult<T>;

  beforeAll(async () => {
    g = await startGantry({ role: 'api' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging'] });
  });
  afterAll(() => g?.stop());

  it('schedules a change, lists and deletes it', async () => {
    const flag = await factory.flag(owner, project.key);
    const vars = { p: project.key, f: flag.key, e: 'staging' };
    const created = await gql<{ createScheduledChange: { id: string; status: string } }>(
      `
      mutation($p: String!, $f: String!, $e: String!, $at: String!) {
        createScheduledChange(
          projectKey: $p, flagKey: $f, environmentKey: $e,
          input: { instructions: [{ kind: "turnFlagOn" }], executionDate: $at }
        ) { id status }
      }`,
      { ...vars, at: new Date(Date.now() + 3_600_000).toISOString() },
    );
    expect(created.data!.createScheduledChange.status).toBe('pending');
    const listed = await gql<{ scheduledChanges: { id: string }[] }>(
      'query($p: String!, $f: String!, $e: String!) { scheduledChanges(projectKey: $p, flagKey: $f, environmentKey: $e) { id } }',
      vars,
    );
    expect(listed.data!.scheduledChanges.map((s) => s.id)).toEqual([created.data!.createScheduledChange.id]);
    const past = await gql(
      `mutation($p: String!, $f: String!, $e: String!) {
        createScheduledChange(
          projectKey: $p, flagKey: $f, environmentKey: $e,
          input: { instructions: [{ kind: "turnFlagOn" }], executionDate: "2020-01-01T00:00:00Z" }
        ) { id }
      }`,
      vars,
    );
    expect(past.errors?.[0].extensions?.code).toBe('scheduled_change/invalid_execution_date');
    const deleted = await gql<{ deleteScheduledChange: boolean }>(
      `mutation($p: String!, $f: String!, $e: String!, $id: String!) {
        deleteScheduledChange(projectKey: $p, flagKey: $f, environmentKey: $e, id: $id)
      }`,
      { ...vars, id: created.data!.createScheduledChange.id },
    );
    expect(deleted.data!.deleteScheduledChange).toBe(true);
  });

  it('starts, pauses and rolls back a staged release; bad stages keep their code', async () => {
    const flag = await factory.flag(owner, project.key, {
      variations: ['old', 'new'],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    const vars = { p: project.key, f: flag.key, e: 'staging', to: flag.variations[1]._id };
    const started = await gql<{ startRelease: { id: string; status: string } }>(
      `
      mutation($p: String!, $f: String!, $e: String!, $to: String!) {
        startRelease(
          projectKey: $p, flagKey: $f, environmentKey: $e,
          input: { toVariationId: $to, stages: [{ weight: 10000, durationMs: 60000 }, { weight: 100000, durationMs: 60000 }] }
        ) { id status }
      }`,
      vars,
    );
    expect(started.data!.startRelease.status).toBe('running');
    const id = started.data!.startRelease.id;
    const paused = await gql<{ pauseRelease: { status: string } }>(
      `mutation($p: String!, $f: String!, $e: String!, $id: String!) {
        pauseRelease(projectKey: $p, flagKey: $f, environmentKey: $e, id: $id) { status }
      }`,
      { ...vars, id },
    );
    expect(paused.data!.pauseRelease.status).toBe('paused');
    const rolledBack = await gql<{ rollbackRelease: { status: string } }>(
      `mutation($p: String!, $f: String!, $e: String!, $id: String!) {
        rollbackRelease(projectKey: $p, flagKey: $f, environmentKey: $e, id: $id) { status }
      }`,
      { ...vars, id },
    );
    expect(rolledBack.data!.rollbackRelease.status).toBe('rolled_back');
    const bad = await gql(
      `mutation($p: String!, $f: String!, $e: String!, $to: String!) {
        startRelease(
          projectKey: $p, flagKey: $f, environmentKey: $e,
          input: { toVariationId: $to, stages: [{ weight: 50000, durationMs: 1000 }] }
        ) { id }
      }`,
      vars,
    );
    expect(bad.errors?.[0].extensions?.code).toBe('release/invalid_stages');
  });
});
