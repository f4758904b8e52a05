import { startGantry, type Gantry } from '../support/app-harness';

/**
 * The one write path under concurrency: eight writers patch the same flag at once. Each change
 * must land exactly once (no lost update), versions must be consecutive, the audit chain must stay
 * intact and every commit must leave one outbox row with its own environment revision.
 */
describe('write path under concurrent writers', () => {
  let g: Gantry;
  const WRITERS = 8;

  beforeAll(async () => {
    g = await startGantry();
    const token = g.ownerToken;
    const project = await g.raw('POST', '/api/v1/projects', {
      token,
      body: { key: 'conc', name: 'Conc', environments: [{ key: 'production', name: 'Production' }] },
    });
    expect(project.status).toBe(201);
    const flag = await g.raw('POST', '/api/v1/projects/conc/flags', { token, body: { key: 'busy', name: 'Busy' } });
    expect(flag.status).toBe(201);
  });

  afterAll(async () => {
    await g?.stop();
  });

  it('applies every concurrent patch once, in consecutive versions, with an intact audit chain', async () => {
    const token = g.ownerToken;
    const flag = await g.raw('GET', '/api/v1/projects/conc/flags/busy', { token });
    const trueId = flag.body.variations[0]._id as string;

    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        g.raw('PATCH', '/api/v1/projects/conc/flags/busy', {
          token,
          body: {
            environmentKey: 'production',
            instructions: [{ kind: 'addTargets', variationId: trueId, values: [`user-${i}`] }],
            comment: `writer ${i}`,
          },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(WRITERS).fill(200));

    const after = await g.raw('GET', '/api/v1/projects/conc/flags/busy', { token });
    const prod = after.body.environments.production;
    expect(prod.version).toBe(1 + WRITERS);
    expect([...prod.targets[0].values].sort()).toEqual([
      'user-0',
      'user-1',
      'user-2',
      'user-3',
      'user-4',
      'user-5',
      'user-6',
      'user-7',
    ]);

    const versions = await g.sql<{ version: number }>(
      `SELECT v."version" FROM "FlagVersion" v JOIN "FlagEnvironment" fe ON fe."id" = v."flagEnvironmentId"
       JOIN "Flag" f ON f."id" = fe."flagId" WHERE f."key" = 'busy' ORDER BY v."version"`,
    );
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const outbox = await g.sql<{ revision: string; version: number }>(
      `SELECT "revision"::text, "version" FROM "OutboxEvent" WHERE "key" = 'busy' ORDER BY "revision"`,
    );
    // One row per committed version; revisions strictly increase with versions (commit order).
    expect(outbox.map((o) => o.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const revisions = outbox.map((o) => Number(o.revision));
    expect(new Set(revisions).size).toBe(revisions.length);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));

    const verify = await g.raw('GET', '/api/v1/audit-log/verify', { token });
    expect(verify.body.ok).toBe(true);
    const entries = await g.raw(
      'GET',
      '/api/v1/audit-log?resource=proj/conc:env/production:flag/busy&action=updateTargets',
      { token },
    );
    expect(entries.body.items).toHaveLength(WRITERS);
  });

  it('gives every flag a configuration in every environment when both are created at the same time', async () => {
    const token = g.ownerToken;
    const creations = [
      ...Array.from({ length: 6 }, (_, i) =>
        g.raw('POST', '/api/v1/projects/conc/flags', { token, body: { key: `race-${i}`, name: `Race ${i}` } }),
      ),
      g.raw('POST', '/api/v1/projects/conc/environments', { token, body: { key: 'qa', name: 'QA' } }),
      ...Array.from({ length: 6 }, (_, i) =>
        g.raw('POST', '/api/v1/projects/conc/flags', { token, body: { key: `race-${i + 6}`, name: `Race ${i + 6}` } }),
      ),
    ];
    expect((await Promise.all(creations)).map((r) => r.status)).toEqual(Array(13).fill(201));
    const missing = await g.sql<{ key: string; env: string }>(
      `SELECT f."key", e."key" AS env FROM "Flag" f JOIN "Project" p ON p."id" = f."projectId"
       JOIN "Environment" e ON e."projectId" = p."id"
       LEFT JOIN "FlagEnvironment" fe ON fe."flagId" = f."id" AND fe."environmentId" = e."id"
       WHERE p."key" = 'conc' AND fe."id" IS NULL`,
    );
    expect(missing).toEqual([]);
    const [{ n }] = await g.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "FlagEnvironment" fe JOIN "Environment" e ON e."id" = fe."environmentId" WHERE e."key" = 'qa'`,
    );
    expect(n).toBe(13); // busy + the twelve race flags
  });
});
