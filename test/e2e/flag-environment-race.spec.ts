/**
 * A flag-level write (a new variation, which every environment serves) and a new environment of the
 * same project at the same time, in both orders, held in place with PostgreSQL's own locks from the
 * test's connection: afterwards every environment's current configuration was written with the
 * flag's current definition. Either the new environment starts from the definition that stays (it
 * waits for the write), or the write reaches the new environment too (it waits for the environment,
 * then reads the configurations again).
 */
import { startGantry, type ApiClient, type Gantry } from '../support/app-harness';
import { eventually } from '../support/delivery';
import { factory, type Project } from '../support/factories';
import { hold } from '../support/lock-holds';

/** The audit chain's advisory lock (migration audit_chain_in_one_statement): an environment's creation takes it last. */
const AUDIT_CHAIN_LOCK = 7_210_001;

describe('a flag-level write racing a new environment', () => {
  let g: Gantry;
  let owner: ApiClient;
  let project: Project;

  beforeAll(async () => {
    g = await startGantry({ role: 'api' });
    owner = g.client(g.ownerToken);
    project = await factory.project(owner, { environments: ['staging'] });
    await factory.flag(owner, project.key, { key: 'colors', variations: ['red', 'green'] });
  });
  afterAll(() => g?.stop());

  const addVariation = (value: string) =>
    owner.PATCH('/api/v1/projects/{projectKey}/flags/{flagKey}', {
      params: { path: { projectKey: project.key, flagKey: 'colors' } },
      body: { instructions: [{ kind: 'addVariation', value }] },
    });
  const newEnvironment = (key: string) =>
    owner.POST('/api/v1/projects/{projectKey}/environments', {
      params: { path: { projectKey: project.key } },
      body: { key, name: key },
    });
  /** Backends of this database waiting for a lock. */
  const waiting = async () =>
    Number(
      (
        await g.sql<{ n: string }>(
          `SELECT count(*)::text AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      )[0].n,
    );
  /** Until `n` backends wait for a lock, or every request in `settled` has been answered. */
  const until = (n: number, settled: boolean[]) =>
    eventually(
      async () => {
        if ((await waiting()) < n && !settled.every(Boolean)) throw new Error(`fewer than ${n} waiting`);
      },
      { timeoutMs: 20_000 },
    );
  const track = <T>(p: Promise<T>, settled: boolean[]) => {
    const i = settled.push(false) - 1;
    return p.finally(() => (settled[i] = true));
  };
  /** Each environment's variations in its latest version against the flag's current ones. */
  const versionsAgainstDefinition = () =>
    g.sql<{ env: string; written: unknown; current: unknown }>(
      `SELECT e.key AS env, v.definition->'variations' AS written, f.definition->'variations' AS current
       FROM "Flag" f
       JOIN "Project" p ON p.id = f."projectId"
       JOIN "FlagEnvironment" fe ON fe."flagId" = f.id
       JOIN "Environment" e ON e.id = fe."environmentId"
       JOIN LATERAL (SELECT definition FROM "FlagVersion" WHERE "flagEnvironmentId" = fe.id
                     ORDER BY version DESC LIMIT 1) v ON true
       WHERE p.key = $1 AND f.key = 'colors' ORDER BY e.key`,
      [project.key],
    );
  const expectConsistent = async (envs: string[]) => {
    const rows = await versionsAgainstDefinition();
    expect(rows.map((r) => r.env)).toEqual(envs);
    for (const r of rows) expect({ env: r.env, variations: r.written }).toEqual({ env: r.env, variations: r.current });
  };

  it('the write waits first: the environment created meanwhile starts from the new definition', async () => {
    const settled: boolean[] = [];
    const h = await hold(g.db.url, [{ text: `SELECT 1 FROM "Flag" WHERE key = 'colors' FOR UPDATE`, params: [] }]);
    const write = track(addVariation('blue'), settled);
    await until(1, settled);
    const env = track(newEnvironment('late'), settled);
    await until(2, settled);
    await h.release();
    expect((await write).response.status).toBe(200);
    expect((await env).response.status).toBe(201);
    await expectConsistent(['late', 'staging']);
  });

  it('the environment is being created first: the write waits, then reaches it too', async () => {
    const settled: boolean[] = [];
    const h = await hold(g.db.url, [{ text: 'SELECT pg_advisory_xact_lock($1::bigint)', params: [AUDIT_CHAIN_LOCK] }]);
    const env = track(newEnvironment('later'), settled);
    await until(1, settled);
    const write = track(addVariation('violet'), settled);
    await until(2, settled);
    await h.release();
    expect((await env).response.status).toBe(201);
    expect((await write).response.status).toBe(200);
    await expectConsistent(['late', 'later', 'staging']);
  });
});
