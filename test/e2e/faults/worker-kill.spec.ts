/**
 * A worker killed (SIGKILL) at any point of a scheduled change or a release step loses nothing and
 * repeats nothing (DESIGN §6). Each case runs a due scheduled change and a due release step in the
 * same worker, stops both at one point, kills the worker there, starts another and checks that each
 * was applied exactly once: one flag version, one outbox row and one audit entry per change, the
 * release's stages each once in order, the audit chain intact, and the killed worker's jobs, found
 * stalled and delivered again, doing nothing more.
 *
 * The points are held with PostgreSQL's own locks from the test (no test hook in Gantry):
 * - picked up: the test holds the rows' locks; the handlers wait on them, nothing written yet;
 * - inside the write transaction: the test holds the flags' rows; each run has locked its release
 *   or scheduled change in its open transaction and waits for its flag's lock, nothing written;
 * - committing: the test holds the audit chain's advisory lock, taken by the message that carries a
 *   write's held statements and its COMMIT (raw-connection.ts). PostgreSQL already has the whole
 *   message, so the write commits when the lock is released although the worker is gone; nobody
 *   logs it as applied, and the next worker finds it done;
 * - committed, not acknowledged: the rows' locks as above, then the worker's Redis link black-holed
 *   (fault proxy) and the locks released: the writes commit, the job cannot be marked done.
 */
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../../support/app-harness';
import { eventually } from '../../support/delivery';
import { backendsEnded, hold, waitingOn } from '../../support/lock-holds';
import { redisFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { factory, ok } from '../../support/factories';
import { flagAuditResource } from '../../support/governance';

/** The audit chain's advisory lock (the trigger of migration audit_chain_in_one_statement). */
const AUDIT_CHAIN_LOCK = 7_210_001;
/** A dead worker's jobs are found stalled within about twice this. */
const JOB_LOCK_MS = 2_000;
/** Stage 0 is held this long: the test sets up the hold of the step to stage 1 meanwhile. */
const STAGE0_MS = 4_000;

/** Two boots on a machine shared with other test runs (the waits inside are the real bounds). */
const BOOT_TIMEOUT_MS = 120_000;
/** A worker's boot and the waits for the stalled jobs, on the same shared machine. */
const CASE_TIMEOUT_MS = 90_000;

type KillPoint = 'picked up' | 'inside the write transaction' | 'committing' | 'committed, not acknowledged';

describe('a worker killed (SIGKILL) in a scheduled change or a release step', () => {
  let g: Gantry;
  let owner: ApiClient;
  let redisLink: FaultProxy;
  let worker: GantryNode;
  const workers: GantryNode[] = [];

  const startWorker = async () => {
    const w = await startSecondNode(g, {
      role: 'worker',
      redisPort: redisLink.port,
      // At info, so each run's activity line (with its job id) is written.
      env: { LOG_LEVEL: 'info', GANTRY_JOB_LOCK_MS: String(JOB_LOCK_MS) },
    });
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    redisLink = await redisFaultProxy();
    g = await startGantry({ role: 'api' });
    owner = g.client(g.ownerToken);
    worker = await startWorker();
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await g?.stop();
    await redisLink?.close();
  });

  const flagVersions = (flagKey: string, environmentId: string) =>
    g.sql<{ version: number }>(
      `SELECT fv.version FROM "FlagVersion" fv
       JOIN "FlagEnvironment" fe ON fe.id = fv."flagEnvironmentId"
       JOIN "Flag" f ON f.id = fe."flagId"
       WHERE f.key = $1 AND fe."environmentId" = $2::uuid ORDER BY fv.version`,
      [flagKey, environmentId],
    );
  const outboxVersions = (flagKey: string, environmentId: string) =>
    g.sql<{ version: number }>(
      `SELECT version FROM "OutboxEvent" WHERE kind = 'flag' AND key = $1 AND "environmentId" = $2::uuid ORDER BY version`,
      [flagKey, environmentId],
    );
  const auditVersions = (resource: string) =>
    g.sql<{ v: number }>(
      `SELECT "currentVersion" AS v FROM "AuditEntry" WHERE resource = $1 AND "currentVersion" > 1 ORDER BY id`,
      [resource],
    );
  const envId = async (projectKey: string, envKey: string) =>
    (
      await g.sql<{ id: string }>(
        `SELECT e.id FROM "Environment" e JOIN "Project" p ON p.id = e."projectId" WHERE p.key = $1 AND e.key = $2`,
        [projectKey, envKey],
      )
    )[0].id;

  /** The worker's activity lines (AutomationRunner) about one item. */
  const activity = (w: GantryNode, id: string): { outcome: string; jobId: string | null; sweep?: boolean }[] =>
    w
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"context":"automation"'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.id === id);

  /**
   * A release of 'new' in two stages on a flag of its own project, at stage 0 with the step to
   * stage 1 due in STAGE0_MS; and a scheduled change on a flag of another project, due at the same
   * time (separate projects and environments: neither write waits on the other's locks).
   */
  async function dueTogether() {
    const [pr, ps] = await Promise.all([
      factory.project(owner, { environments: ['staging'] }),
      factory.project(owner, { environments: ['staging'] }),
    ]);
    const releaseFlag = await factory.flag(owner, pr.key, {
      variations: ['old', 'new'],
      defaults: { onVariation: 0, offVariation: 0 },
    });
    const scheduleFlag = await factory.flag(owner, ps.key);
    const path = { projectKey: pr.key, flagKey: releaseFlag.key, envKey: 'staging' };
    const started = ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases', {
        params: { path },
        body: {
          toVariationId: releaseFlag.variations[1]._id,
          stages: [
            { weight: 50_000, durationMs: STAGE0_MS },
            { weight: 100_000, durationMs: 1_000 },
          ],
        },
      }),
    );
    const atStage0 = await eventually(
      async () => {
        const [r] = await g.sql<{ currentStage: number; nextStepAt: Date }>(
          `SELECT "currentStage", "nextStepAt" FROM "Release" WHERE id = $1::uuid`,
          [started.id],
        );
        if (r.currentStage !== 0) throw new Error(`release at stage ${r.currentStage}`);
        return r;
      },
      { timeoutMs: 20_000 },
    );
    const schedule = ok(
      await owner.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
        params: { path: { projectKey: ps.key, flagKey: scheduleFlag.key, envKey: 'staging' } },
        body: {
          instructions: [{ kind: 'addTargets', variationId: scheduleFlag.variations[0]._id, values: ['u1'] }],
          executionDate: atStage0.nextStepAt.toISOString(),
        },
      }),
    );
    return {
      release: { project: pr, flag: releaseFlag, id: started.id, env: await envId(pr.key, 'staging') },
      schedule: { project: ps, flag: scheduleFlag, id: schedule.id, env: await envId(ps.key, 'staging') },
      dueAt: atStage0.nextStepAt,
    };
  }

  const rowLocks = (releaseId: string, scheduleId: string) => [
    { text: `SELECT 1 FROM "Release" WHERE id = $1::uuid FOR UPDATE`, params: [releaseId] },
    { text: `SELECT 1 FROM "ScheduledChange" WHERE id = $1::uuid FOR UPDATE`, params: [scheduleId] },
  ];

  async function expectNothingWritten(c: Awaited<ReturnType<typeof dueTogether>>) {
    const [s] = await g.sql(`SELECT status FROM "ScheduledChange" WHERE id = $1::uuid`, [c.schedule.id]);
    expect(s.status).toBe('pending');
    const [r] = await g.sql(`SELECT status, "currentStage" FROM "Release" WHERE id = $1::uuid`, [c.release.id]);
    expect(r).toEqual({ status: 'running', currentStage: 0 });
    expect(await flagVersions(c.schedule.flag.key, c.schedule.env)).toEqual([{ version: 1 }]);
    expect(await flagVersions(c.release.flag.key, c.release.env)).toEqual([{ version: 1 }, { version: 2 }]);
  }

  /**
   * `logged`: how many runs log an 'applied' (schedule) or 'advanced' (release) line; a write whose
   * worker died while PostgreSQL committed it is logged by no one.
   */
  async function expectExactlyOnce(
    c: Awaited<ReturnType<typeof dueTogether>>,
    killed: GantryNode,
    logged = { schedule: 1, releaseSteps: 2 },
  ) {
    const { schedule: s, release: r } = c;
    const sPath = { projectKey: s.project.key, flagKey: s.flag.key, envKey: 'staging', id: s.id };
    const rPath = { projectKey: r.project.key, flagKey: r.flag.key, envKey: 'staging', id: r.id };
    const applied = await eventually(
      async () => {
        const x = ok(
          await owner.GET(
            '/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes/{id}',
            { params: { path: sPath } },
          ),
        );
        expect(x.status).toBe('applied');
        return x;
      },
      { timeoutMs: 30_000 },
    );
    expect(applied.appliedVersion).toBe(2);
    const done = await eventually(
      async () => {
        const x = ok(
          await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/releases/{id}', {
            params: { path: rPath },
          }),
        );
        expect(x.status).toBe('completed');
        return x;
      },
      { timeoutMs: 30_000 },
    );
    // Each stage once, in order: none skipped, none repeated.
    const stagesRun = done.history
      .map((h) => h as { stage: number; status: string })
      .filter((h) => h.status === 'running')
      .map((h) => h.stage);
    expect(stagesRun).toEqual([-1, 0, 1]);
    expect(done.history.filter((h) => (h as { status: string }).status === 'completed')).toHaveLength(1);

    // One flag version, one outbox row and one audit entry per change.
    expect(await flagVersions(s.flag.key, s.env)).toEqual([{ version: 1 }, { version: 2 }]);
    expect(await outboxVersions(s.flag.key, s.env)).toEqual([{ version: 1 }, { version: 2 }]);
    expect(await auditVersions(flagAuditResource(s.project.key, 'staging', s.flag.key))).toEqual([{ v: 2 }]);
    expect(await flagVersions(r.flag.key, r.env)).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    expect(await outboxVersions(r.flag.key, r.env)).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    expect(await auditVersions(flagAuditResource(r.project.key, 'staging', r.flag.key))).toEqual([{ v: 2 }, { v: 3 }]);
    const [{ n: completions }] = await g.sql(
      `SELECT count(*)::int AS n FROM "AuditEntry" WHERE action = 'completeRelease' AND links->>'release' = $1`,
      [r.id],
    );
    expect(completions).toBe(1);
    // The change serves: the schedule's target is in.
    const flagNow = ok(
      await owner.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
        params: { path: { projectKey: s.project.key, flagKey: s.flag.key } },
      }),
    ).environments.staging;
    expect(flagNow.targets.flatMap((t) => t.values)).toEqual(['u1']);

    // The killed worker's jobs were found stalled and delivered again: they ran, and did nothing
    // more (the counts above).
    const applyLines = (id: string) =>
      workers.flatMap((w) => activity(w, id)).filter((l) => l.outcome === 'applied' || l.outcome === 'advanced');
    await eventually(
      () => {
        const again = activity(worker, s.id).filter((l) => l.jobId !== null);
        if (!again.length) throw new Error('the killed worker’s scheduled-change job has not run again yet');
        const stepAgain = activity(worker, r.id).filter((l) => l.jobId?.includes(`${r.id}-1-`));
        if (!stepAgain.length) throw new Error('the killed worker’s release step job has not run again yet');
      },
      { timeoutMs: 30_000 },
    );
    // One run applied each (in the dead worker when it was killed after its commit); any other was idle.
    expect(applyLines(s.id)).toHaveLength(logged.schedule);
    expect(applyLines(r.id)).toHaveLength(logged.releaseSteps); // stage 0, then stage 1
    expect(workers.flatMap((w) => activity(w, r.id)).filter((l) => l.outcome === 'completed')).toHaveLength(1);
    expect(activity(killed, s.id).every((l) => l.outcome === 'applied')).toBe(true);
    expect(ok(await owner.GET('/api/v1/audit-log/verify'))).toMatchObject({ ok: true });
  }

  /** Kills the current worker at `point` of both runs; the next worker is the current one after. */
  async function killAt(point: KillPoint) {
    const c = await dueTogether();
    const killed = worker;
    if (point === 'committing') {
      const h = await hold(g.db.url, [
        { text: 'SELECT pg_advisory_xact_lock($1::bigint)', params: [AUDIT_CHAIN_LOCK] },
      ]);
      const pids = await waitingOn(g.sql, h, { atLeast: 2 });
      await killed.kill();
      await h.release();
      await backendsEnded(g.sql, pids);
      // Committed after the worker died: each write whole (version, outbox row, audit entry), once.
      const [s] = await g.sql(`SELECT status FROM "ScheduledChange" WHERE id = $1::uuid`, [c.schedule.id]);
      const [r] = await g.sql(`SELECT "currentStage" FROM "Release" WHERE id = $1::uuid`, [c.release.id]);
      expect([s.status, r.currentStage]).toEqual(['applied', 1]);
      worker = await startWorker();
      await expectExactlyOnce(c, killed, { schedule: 0, releaseSteps: 1 });
      return;
    }
    if (point === 'inside the write transaction') {
      const h = await hold(g.db.url, [
        {
          text: `SELECT 1 FROM "Flag" f JOIN "Project" p ON p.id = f."projectId"
                 WHERE (p.key = $1 AND f.key = $2) OR (p.key = $3 AND f.key = $4) FOR UPDATE OF f`,
          params: [c.release.project.key, c.release.flag.key, c.schedule.project.key, c.schedule.flag.key],
        },
      ]);
      const pids = await waitingOn(g.sql, h, { atLeast: 2 });
      // Both runs hold their rows (taken before writing), so the waiters are these two, in their writes.
      await eventually(async () => {
        for (const table of ['Release', 'ScheduledChange'])
          await expect(
            g.sql(`SELECT 1 FROM "${table}" WHERE id = $1::uuid FOR UPDATE NOWAIT`, [
              table === 'Release' ? c.release.id : c.schedule.id,
            ]),
          ).rejects.toThrow(/could not obtain lock/);
      });
      await killed.kill();
      await h.release();
      await backendsEnded(g.sql, pids);
      await expectNothingWritten(c);
    } else if (point === 'picked up') {
      const h = await hold(g.db.url, rowLocks(c.release.id, c.schedule.id));
      const pids = await waitingOn(g.sql, h, { atLeast: 2 });
      await killed.kill();
      await h.release();
      await backendsEnded(g.sql, pids);
      await expectNothingWritten(c);
    } else {
      const h = await hold(g.db.url, rowLocks(c.release.id, c.schedule.id));
      await waitingOn(g.sql, h, { atLeast: 2 });
      redisLink.blackhole();
      await h.release();
      await eventually(
        async () => {
          const [s] = await g.sql(`SELECT status FROM "ScheduledChange" WHERE id = $1::uuid`, [c.schedule.id]);
          const [r] = await g.sql(`SELECT "currentStage" FROM "Release" WHERE id = $1::uuid`, [c.release.id]);
          expect([s.status, r.currentStage]).toEqual(['applied', 1]);
        },
        { timeoutMs: 20_000 },
      );
      await killed.kill();
      // The dead worker's connections through the proxy have closed before the link heals.
      await eventually(() => expect(redisLink.connections()).toBe(0));
      await redisLink.heal();
    }
    worker = await startWorker();
    await expectExactlyOnce(c, killed);
  }

  it.each<KillPoint>(['picked up', 'inside the write transaction', 'committing', 'committed, not acknowledged'])(
    'killed when %s: applied exactly once by the next worker, nothing skipped',
    (point) => killAt(point),
    CASE_TIMEOUT_MS,
  );
});
