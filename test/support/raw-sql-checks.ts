/**
 * Runs PrismaService.sql and the repositories' raw reads in their own Node process (Prisma's
 * generated client loads there, not in jest): `node -r ts-register-cached.js raw-sql-checks.ts
 * <databaseUrl>`; prints what each check observed as JSON for test/integration/raw-sql.spec.ts.
 */
import { randomUUID } from 'node:crypto';
import type { GantryConfig } from '../../src/infra/config/config';
import { Prisma } from '../../src/infra/prisma/generated/client';
import { hasOwnConnection, PrismaService, txClient } from '../../src/infra/prisma/prisma.service';
import { AccountsRepository } from '../../src/modules/accounts/accounts.repository';
import { FlagLocksRepository } from '../../src/modules/flags/flag-locks.repository';
import { ProjectsRepository, toProjectContext } from '../../src/modules/projects/projects.repository';
import { ReleasesRepository, type ReleaseUpdate } from '../../src/modules/releases/releases.repository';
import { WebhooksRepository } from '../../src/modules/webhooks/webhooks.repository';
import { runChecks } from './checks-process';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const errorOf = (e: unknown) => ({ name: (e as Error).name, message: (e as Error).message });

/** JSON that keeps bigints and Dates apart from numbers and strings, so the spec compares types too. */
const typed = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, function (this: Record<string, unknown>, k: string, x: unknown) {
      const raw = this[k];
      if (typeof raw === 'bigint') return { bigint: raw.toString() };
      if (raw instanceof Date) return { date: raw.toISOString() };
      return x;
    }),
  );

async function main(): Promise<void> {
  const [databaseUrl] = process.argv.slice(2);
  const prisma = new PrismaService({ databaseUrl, databasePoolSize: 4 } as GantryConfig);
  const out: Record<string, unknown> = {};
  const count = async () => Number((await prisma.pool.query('SELECT count(*) FROM raw_check')).rows[0].count);
  try {
    await prisma.pool.query('CREATE TABLE raw_check (x int)');

    // Which connection the statements of a transaction ran on, and whether it was its own.
    out.connection = await prisma.transaction(async (tx) => {
      const [viaSql] = await prisma.sql<{ pid: number }>(tx, Prisma.sql`SELECT pg_backend_pid() AS pid`);
      const [viaPrisma] = await txClient(tx).$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
      return { own: hasOwnConnection(tx), samePid: viaSql.pid === viaPrisma.pid };
    });

    // Rows the same whichever way they are read: in a transaction, through Prisma, on the pool.
    const probe = Prisma.sql`SELECT 9007199254740993::int8 AS big, 7::int AS small, '2026-01-02T03:04:05.678Z'::timestamptz AS at,
      '{"a":[1,"x",null]}'::jsonb AS doc, ARRAY['p','q'] AS list, NULL::text AS nothing, ${"o'k"} AS param`;
    out.types = {
      ...(await prisma.transaction(async (tx) => ({
        own: typed(await prisma.sql(tx, probe)),
        prisma: typed(await txClient(tx).$queryRaw(probe)),
      }))),
      pool: typed(await prisma.sql(undefined, probe)),
    };

    // Statements on the transaction's connection commit and roll back with it.
    await prisma.transaction(async (tx) => {
      await prisma.sql(tx, Prisma.sql`INSERT INTO raw_check VALUES (1)`);
      await txClient(tx).$executeRaw`INSERT INTO raw_check VALUES (2)`;
    });
    out.committed = await count();
    await prisma
      .transaction(async (tx) => {
        await prisma.sql(tx, Prisma.sql`INSERT INTO raw_check VALUES (3)`);
        throw new Error('give up');
      })
      .catch(() => undefined);
    out.afterRollback = await count();

    // A transaction given up at its time limit while the callback still runs: the statement asked
    // for afterwards is refused, and nothing of it stays.
    let late: unknown;
    const timedOut = await prisma
      .transaction(
        async (tx) => {
          await prisma.sql(tx, Prisma.sql`INSERT INTO raw_check VALUES (4)`);
          await sleep(800);
          try {
            await prisma.sql(tx, Prisma.sql`INSERT INTO raw_check VALUES (5)`);
          } catch (e) {
            late = errorOf(e);
          }
        },
        { timeout: 300 },
      )
      .then(
        () => 'resolved',
        (e: unknown) => errorOf(e),
      );
    await sleep(200);
    out.timeout = { late, timedOut, rows: await count() };
    // The connection went back to the pool as it was: the next transactions run normally.
    out.afterTimeout = await Promise.all(
      [6, 7, 8, 9].map((x) =>
        prisma.transaction(async (tx) => {
          await prisma.sql(tx, Prisma.sql`INSERT INTO raw_check VALUES (${x}::int)`);
          return hasOwnConnection(tx);
        }),
      ),
    );
    out.finalRows = await count();

    // The repositories' raw reads answer exactly what the Prisma queries they replace answered.
    const projects = new ProjectsRepository(prisma);
    const key = `p-${randomUUID().slice(0, 8)}`;
    const bare = `b-${randomUUID().slice(0, 8)}`;
    const project = await prisma.project.create({
      data: { key, name: 'Raw', tags: ['t1'], approvalDefaults: { minApprovals: 2 } },
    });
    // One at a time with their own creation times: environments come back in creation order.
    for (const [i, e] of ['production', 'staging', 'dev'].entries())
      await prisma.environment.create({
        data: {
          projectId: project.id,
          key: e,
          name: e,
          sdkKey: `sdk-${key}-${e}`,
          clientSideId: `cs-${key}-${e}`,
          mobileKey: `mob-${key}-${e}`,
          critical: i === 0,
          tags: [e],
          approvalSettings: i === 0 ? { minApprovals: 1 } : undefined,
          createdAt: new Date(Date.UTC(2026, 0, 1 + i)),
        },
      });
    await prisma.project.create({ data: { key: bare, name: 'Bare', tags: [] } });
    const viaPrisma = async (k: string) => {
      const row = await prisma.project.findUnique({
        where: { key: k },
        include: { environments: { orderBy: [{ createdAt: 'asc' }, { key: 'asc' }] } },
      });
      return row && toProjectContext(row);
    };
    out.projects = await Promise.all(
      [key, bare, 'missing'].map(async (k) => ({
        raw: typed((await projects.findByKeyAtRevision(k))?.project ?? null),
        prisma: typed(await viaPrisma(k)),
      })),
    );

    // Environments created with their project share its creation time: the key orders them.
    const ordered = `o-${randomUUID().slice(0, 8)}`;
    await prisma.transaction((tx) =>
      projects.create(tx, {
        key: ordered,
        name: 'Ordered',
        tags: [],
        environments: ['zeta', 'alpha', 'mid'].map((e) => ({
          key: e,
          name: e,
          color: '417505',
          critical: false,
          tags: [],
          sdkKey: `sdk-${ordered}-${e}`,
          clientSideId: `cs-${ordered}-${e}`,
          mobileKey: `mob-${ordered}-${e}`,
        })),
      }),
    );
    out.createdOrder = {
      raw: (await projects.findByKeyAtRevision(ordered))?.project.environments.map((e) => e.key),
      prisma: (await viaPrisma(ordered))?.environments.map((e) => e.key),
    };

    const accounts = new AccountsRepository(prisma);
    const member = await prisma.member.create({
      data: { email: `${key}@example.com`, name: 'M', deactivatedAt: new Date('2026-05-01T00:00:00.000Z') },
    });
    const tokens = [
      { memberId: member.id, hash: `h1-${key}`, expiresAt: new Date('2027-01-01T00:00:00.000Z') },
      { memberId: null, hash: `h2-${key}`, purpose: 'scim' as const, revokedAt: new Date('2026-02-03T00:00:00.000Z') },
    ];
    for (const t of tokens) await prisma.accessToken.create({ data: { name: t.hash, hint: 'x', ...t } });
    const statusViaPrisma = (hash: string) =>
      prisma.accessToken.findUnique({
        where: { hash },
        select: {
          id: true,
          name: true,
          purpose: true,
          revokedAt: true,
          expiresAt: true,
          member: { select: { deactivatedAt: true } },
        },
      });
    out.tokens = await Promise.all(
      [...tokens.map((t) => t.hash), 'nope'].map(async (h) => ({
        raw: typed(await accounts.findTokenStatus(h)),
        prisma: typed(await statusViaPrisma(h)),
      })),
    );
    // A project read with its settings revision: the revision Prisma reads.
    const atRevision = await projects.findByKeyAtRevision(key);
    out.projectRevision = {
      revision: typed(atRevision?.settingsRevision),
      prisma: typed(
        (await prisma.project.findUnique({ where: { key }, select: { settingsRevision: true } }))?.settingsRevision,
      ),
    };

    // Read in the transaction that changed the project, the read is marked uncommitted (it is not
    // cached for other writes: ProjectsService); before the change, after the rollback and on the
    // pool it is not.
    // The same for a flag locked for a write: its settings revision is then unknown (undefined).
    const locks = new FlagLocksRepository(prisma);
    const lockedFlag = `lf-${randomUUID().slice(0, 8)}`;
    await prisma.flag.create({ data: { projectId: project.id, key: lockedFlag, definition: {}, version: 1 } });
    const uncommitted: unknown[] = [];
    const lockedRevisions: unknown[] = [];
    await prisma
      .transaction(async (tx) => {
        uncommitted.push((await projects.findByKeyAtRevision(key, tx))?.uncommitted);
        lockedRevisions.push(typeof (await locks.findForUpdate(tx, project.id, lockedFlag))?.settingsRevision);
        await prisma.sql(
          tx,
          Prisma.sql`UPDATE "Environment" SET "name" = "name" || '!' WHERE "projectId" = ${project.id}::uuid`,
        );
        uncommitted.push((await projects.findByKeyAtRevision(key, tx))?.uncommitted);
        lockedRevisions.push(typeof (await locks.findForUpdate(tx, project.id, lockedFlag))?.settingsRevision);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    uncommitted.push((await projects.findByKeyAtRevision(key))?.uncommitted);
    out.uncommitted = uncommitted;
    out.lockedRevisions = lockedRevisions;

    out.releases = await releaseChecks(prisma, project.id);

    // Enabled webhooks' filters, as Prisma's findMany read them (in a transaction and on the pool).
    const webhooks = new WebhooksRepository(prisma);
    for (const [i, enabled] of [true, false, true].entries())
      await prisma.webhook.create({
        data: { name: `w${i}`, url: `https://example.com/${i}`, secret: 's', events: [`e${i}`, '*'], enabled },
      });
    const byId = (rows: { id: string; events: string[] }[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
    const filtersViaPrisma = () =>
      prisma.webhook.findMany({ where: { enabled: true }, select: { id: true, events: true } });
    out.webhookFilters = {
      raw: typed(byId(await webhooks.listEnabledFilters())),
      inTx: typed(byId(await prisma.transaction((tx) => webhooks.listEnabledFilters(tx)))),
      prisma: typed(byId(await filtersViaPrisma())),
    };
    process.stdout.write(JSON.stringify(out));
  } finally {
    await prisma.$disconnect();
    await prisma.pool.end().catch(() => undefined);
  }
}

/**
 * ReleasesRepository's raw find, findForUpdate and update against the Prisma queries they replace:
 * a plain release and one with every optional column set; update against Prisma's update of a twin
 * row with the same data (the whole history sent, as before appendHistory).
 */
async function releaseChecks(prisma: PrismaService, projectId: string): Promise<Record<string, unknown>> {
  const releases = new ReleasesRepository(prisma);
  const env = await prisma.environment.findFirstOrThrow({ where: { projectId, key: 'staging' } });
  const actor = { kind: 'member' as const, id: 'm1', name: 'Ann' };
  const entry = (note: string, stage: number) => ({
    at: '2026-03-04T05:06:07.089Z',
    status: 'running',
    stage,
    actor,
    note,
  });
  const base = {
    environmentId: env.id,
    flagKey: 'f',
    status: 'running',
    target: { ruleId: null, toVariationId: 'v1', toVariation: { value: false } },
    stages: [
      { weight: 10_000, durationMs: 1_000 },
      { weight: 100_000, durationMs: 1_000 },
    ],
    baseline: { serving: { variationId: 'v0' }, trackEvents: false },
    baselineVersion: 3,
    createdBy: { ...actor, bypass: true, bypassReason: 'why' },
    nextStepAt: new Date('2026-03-04T05:06:08.123Z'),
    history: [entry('started', -1)],
  };
  const full = {
    ...base,
    flagKey: 'g',
    status: 'paused',
    remainingMs: 250,
    currentStage: 0,
    guard: { metrics: ['m'], onRegression: 'rollback', minSamplePerArm: 10, alpha: 0.05 },
    guardResult: { outcome: 'ok', at: '2026-03-04T05:06:07.000Z', metrics: [] },
    failure: { code: 'x/y', message: 'm', errors: [{ field: 'a', reason: 'b' }] },
  };
  const created = [
    await prisma.release.create({ data: { ...base, activeKey: `${env.id}/f` } }),
    await prisma.release.create({ data: full }),
  ];
  const include = { environment: { select: { key: true, project: { select: { key: true } } } } } as const;
  const viaPrisma = async (id: string, tx?: Parameters<typeof txClient>[0]) => {
    const row = await (tx ? txClient(tx) : prisma).release.findUnique({ where: { id }, include });
    if (!row) return null;
    const { environment, ...r } = row;
    return { ...r, projectKey: environment.project.key, environmentKey: environment.key };
  };
  const missing = randomUUID();
  const reads = await Promise.all(
    [...created.map((r) => r.id), missing].map(async (id) => ({
      find: typed(await releases.find(id)),
      locked: typed(await prisma.transaction((tx) => releases.findForUpdate(tx, id))),
      prisma: typed(await viaPrisma(id)),
    })),
  );

  // The same change through the raw update and through Prisma's (on a twin), compared but for id and updatedAt.
  const update: ReleaseUpdate = {
    status: 'failed',
    activeKey: null,
    currentStage: 1,
    nextStepAt: null,
    remainingMs: null,
    failure: { code: 'flag/not_found', message: "flag 'f' was not found", errors: [] },
    guardResult: { outcome: 'insufficient_data', at: '2026-03-04T05:06:09.000Z', metrics: [] } as never,
    appendHistory: entry('failed', 1),
  };
  const twin = await prisma.release.create({ data: { ...base, flagKey: 'twin' } });
  const before = Date.now();
  const raw = await prisma.transaction(async (tx) => {
    const locked = await releases.findForUpdate(tx, created[0].id);
    return { locked, updated: await releases.update(tx, created[0].id, update) };
  });
  const { appendHistory, ...plain } = update;
  await prisma.release.update({
    where: { id: twin.id },
    data: { ...plain, history: [...base.history, appendHistory!] } as never,
  });
  const sans = (r: Record<string, unknown> | null) => {
    const { id: _id, createdAt: _c, updatedAt: _u, flagKey: _f, activeKey: _a, ...rest } = r ?? {};
    return typed(rest);
  };
  // A step's update: stage and due time, one history entry more (the common case).
  const step = await prisma.transaction((tx) =>
    releases.update(tx, created[1].id, {
      currentStage: 1,
      nextStepAt: new Date('2026-03-04T05:06:10.456Z'),
      appendHistory: entry('stage 2: 100%', 1),
    }),
  );
  return {
    reads,
    update: {
      returned: typed(raw.updated),
      reread: typed(await viaPrisma(created[0].id)),
      raw: sans(raw.updated as unknown as Record<string, unknown>),
      prisma: sans(await viaPrisma(twin.id)),
      updatedAtFresh: raw.updated.updatedAt.getTime() >= before && raw.updated.updatedAt > created[0].updatedAt,
      lockedBefore: typed(raw.locked?.history),
    },
    step: { returned: typed(step), reread: typed(await viaPrisma(created[1].id)) },
  };
}

runChecks(main);
