/**
 * Load with faults (issue 15 part 3, DESIGN §6): two Gantry processes (role `all`) on one database
 * and one Redis prefix, each reaching PostgreSQL and Redis through its own fault proxy, under a
 * scripted load, while faults are injected on both nodes in turn:
 *
 *   baseline · Redis cut · heal · PostgreSQL cut · heal · PostgreSQL +500 ms · heal · Redis black hole · heal · quiet
 *
 * The load: WRITERS concurrent writers PATCHing flag targeting (half through each node), each write
 * adding a target key and carrying a comment no other write has; one-off scheduled changes created
 * at the start with due times spread through the run, each adding its own target; SDK streams
 * (raw SSE, resuming with Last-Event-ID like an SDK) on both nodes for every environment; an SDK
 * client polling (`/sdk/latest-all`) and evaluating (OFREP bulk) on both nodes in turn.
 *
 * What must hold at the end (outcomes, never timings):
 * - every write answered 2xx (accepted) or 503 (refused); anything else is a failure;
 * - SDK polling and OFREP answered 200 throughout, on both nodes;
 * - every accepted write is in the audit chain exactly once, with the version it answered, and its
 *   target is in the flag; no refused write left anything behind (audit, history, flag);
 *   versions, audit entries and outbox rows agree for every flag;
 * - the audit chain verifies and has not forked;
 * - every SDK stream converged to its environment's final revision and flag state, without gaps;
 * - every scheduled change was applied exactly once (none skipped, none twice).
 *
 * The figures (writes accepted / refused / failed, converged streams, staleness per phase,
 * schedules applied) are printed whatever the outcome. Staleness is sampled every SAMPLE_MS: how
 * many revisions a stream is behind its environment's committed revision (read from PostgreSQL
 * directly, not through the proxies), and for how long the oldest revision it has not seen has
 * been committed. A write is counted in the phase it was sent in. With GANTRY_TEST_LOG_DIR set,
 * both nodes' logs are written there (a failed request's X-Request-Id is in the failure report).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startGantry, startSecondNode, type Gantry } from '../../support/app-harness';
import { sdkKeyOf } from '../../support/delivery';
import { postgresFaultProxy, redisFaultProxy } from '../../support/fault-proxy';
import { factory } from '../../support/factories';
import {
  ENVS,
  PHASES,
  PROJECT,
  QUIET,
  SAMPLE_MS,
  SCHEDULE_FLAG,
  SCHEDULES,
  SETTLE_MS,
  STREAMS_PER_ENV_AND_NODE,
  WRITE_FLAGS,
  WRITERS,
  sleep,
  type Links,
  type NodeName,
  type WriteRecord,
} from '../../support/fault-load/load-plan';
import { LoadRun } from '../../support/fault-load/load-run';
import { followStream } from '../../support/stream-follower';

jest.setTimeout(240_000);

/** Prints the figures if the run did not, keeps the nodes' logs when asked, and stops both nodes. */
async function stopRun(run: LoadRun): Promise<void> {
  if (!run.figuresPrinted && run.writes.length) run.printFigures();
  for (const s of run.streams) s.follower.close();
  // The nodes' logs, for finding what a failed request met (GANTRY_TEST_LOG_DIR=/some/dir).
  const logDir = process.env.GANTRY_TEST_LOG_DIR;
  if (logDir) {
    fs.mkdirSync(logDir, { recursive: true });
    fs.writeFileSync(path.join(logDir, 'load-with-faults.node-a.log'), run.nodeA.stdout() + run.nodeA.stderr());
    fs.writeFileSync(path.join(logDir, 'load-with-faults.node-b.log'), run.nodeB.stdout());
  }
  await run.nodeA.stop(); // node B first
}

describe('load with faults: two nodes, writes, schedules and SDK streams while PostgreSQL and Redis fail in turn', () => {
  const links: Links = { postgres: [], redis: [] };
  let run: LoadRun;
  /** Node A as soon as it is up, so it is stopped even when node B never starts. */
  let first: Gantry | undefined;

  beforeAll(async () => {
    links.postgres = [await postgresFaultProxy(), await postgresFaultProxy()];
    links.redis = [await redisFaultProxy(), await redisFaultProxy()];
    const nodeA = (first = await startGantry({
      role: 'all',
      postgresPort: links.postgres[0].port,
      redisPort: links.redis[0].port,
    }));
    const nodeB = await startSecondNode(nodeA, {
      role: 'all',
      postgresPort: links.postgres[1].port,
      redisPort: links.redis[1].port,
    });
    run = new LoadRun(nodeA, nodeB);
    const { api } = run;

    await factory.project(api, { key: PROJECT, environments: ENVS });
    for (const key of [...WRITE_FLAGS, SCHEDULE_FLAG])
      run.flags.set(key, await factory.flag(api, PROJECT, { key, variations: ['a', 'b'] }));
    for (const env of ENVS) run.sdkKeys.set(env, await sdkKeyOf(api, PROJECT, env));
    run.envIds = new Map(
      (
        await nodeA.sql<{ id: string; key: string }>(
          `SELECT e.id, e.key FROM "Environment" e JOIN "Project" p ON p.id = e."projectId" WHERE p.key = $1`,
          [PROJECT],
        )
      ).map((r) => [r.key, r.id]),
    );

    for (const env of ENVS)
      for (const node of ['A', 'B'] as NodeName[])
        for (let i = 0; i < STREAMS_PER_ENV_AND_NODE; i++)
          run.streams.push({
            follower: followStream(run.nodeUrl(node), run.sdkKeys.get(env)!, `${env}@${node}#${i}`),
            env,
            node,
          });
    await Promise.all(run.streams.map((s) => s.follower.initialized));
  }, 120_000);

  afterAll(async () => {
    try {
      if (run) await stopRun(run);
      else await first?.stop();
    } finally {
      await Promise.all([...links.postgres, ...links.redis].map((l) => l.close()));
    }
  });

  it('runs the load through every phase, then settles', async () => {
    const loadStart = Date.now() + 2_000 + SCHEDULES * 300;
    await run.createSchedules(loadStart);
    while (Date.now() < loadStart) await sleep(20);

    let stopWriters = false;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await run.sample().catch(() => undefined);
        await sleep(SAMPLE_MS);
      }
    })();
    const writers = Array.from({ length: WRITERS }, (_, i) => run.writer(i, () => stopWriters));
    const sdk = run.sdkClient(() => stopWriters);

    for (const phase of PHASES) {
      run.currentPhase = phase.name;
      run.phaseLog.push({ name: phase.name, at: Date.now() });
      await phase.enter(links);
      await sleep(phase.ms);
    }
    run.currentPhase = QUIET;
    run.phaseLog.push({ name: QUIET, at: Date.now() });
    stopWriters = true;
    await Promise.all([...writers, sdk]);

    // Quiet: no faults, no writes. Wait (bounded) for every stream and schedule to settle.
    const settleBy = Date.now() + SETTLE_MS;
    for (;;) {
      const state = await run.readFinalState();
      const converged = run.streams.filter((s) => run.divergence(s, state).length === 0).length;
      const pending = await run.pendingSchedules();
      run.finalState = { ...state, convergedStreams: converged, pendingSchedules: pending };
      if ((converged === run.streams.length && pending === 0) || Date.now() > settleBy) break;
      await sleep(500);
    }
    sampling = false;
    await sampler;
    const phaseOf = (t: number) => run.phaseLog.filter((p) => p.at <= t).pop()?.name ?? 'set-up';
    for (const row of await run.nodeA.sql<{ id: string; appliedAt: Date | null }>(
      `SELECT id, "appliedAt" FROM "ScheduledChange" WHERE id = ANY($1::uuid[])`,
      [run.schedules.map((s) => s.id)],
    )) {
      const record = run.schedules.find((s) => s.id === row.id);
      if (record && row.appliedAt) record.appliedPhase = phaseOf(row.appliedAt.getTime());
    }

    for (const w of run.writes) {
      const f = run.figuresOf(w.phase);
      if (w.status >= 200 && w.status < 300) f.accepted++;
      else if (w.status === 503) f.refused++;
      else f.other++;
    }
    run.printFigures();
    // The load did run: writes were accepted before the first fault.
    expect(run.figuresOf('baseline').accepted).toBeGreaterThan(0);
  });

  it('every write was accepted (2xx) or refused with 503: nothing else', () => {
    // Grouped by answer and phase, with the first request of each group (its id is in the node's log).
    const other: Record<string, { count: number; first: Partial<WriteRecord> }> = {};
    for (const w of run.writes) {
      if ((w.status >= 200 && w.status < 300) || w.status === 503) continue;
      const key = `${w.status || 'no answer'} ${w.code ?? ''} in ${w.phase}${w.answeredIn ? ` → ${w.answeredIn}` : ''}`;
      other[key] ??= {
        count: 0,
        first: { node: w.node, value: w.value, requestId: w.requestId, detail: w.detail?.slice(0, 120) },
      };
      other[key].count++;
    }
    expect(other).toEqual({});
  });

  it('every refusal is the stable 503 of an unavailable store', () => {
    const unstable = run.writes
      .filter((w) => w.status === 503 && !/unavailable/.test(w.code ?? ''))
      .map((w) => ({ node: w.node, phase: w.phase, code: w.code, detail: w.detail }));
    expect(unstable).toEqual([]);
  });

  it('SDK polling and OFREP kept answering 200 on both nodes through every phase', () => {
    const failed: Record<string, { count: number; first?: string }> = {};
    for (const a of run.sdkAnswers) {
      if (a.status === 200) continue;
      const key = `${a.surface} on ${a.node}: ${a.status || 'no answer'} in ${a.phase}`;
      failed[key] ??= { count: 0, first: a.detail };
      failed[key].count++;
    }
    expect(run.sdkAnswers.length).toBeGreaterThan(0);
    expect(failed).toEqual({});
  });

  it('every accepted write is in the audit chain exactly once, with the version it answered, and its target is in the flag', async () => {
    const accepted = run.writes.filter((w) => w.status >= 200 && w.status < 300);
    const entries = await run.nodeA.sql<{
      comment: string;
      resource: string;
      currentVersion: number | null;
      after: any;
    }>(`SELECT comment, resource, "currentVersion", after FROM "AuditEntry" WHERE comment LIKE 'load-w%'`);
    const byComment = new Map<string, typeof entries>();
    for (const e of entries) byComment.set(e.comment, [...(byComment.get(e.comment) ?? []), e]);
    const state = run.finalState ?? (await run.readFinalState());
    const problems: string[] = [];
    for (const w of accepted) {
      const mine = byComment.get(w.value) ?? [];
      if (mine.length !== 1) {
        problems.push(`${w.value} (${w.node}, ${w.phase}): ${mine.length} audit entries`);
        continue;
      }
      const [e] = mine;
      if (!e.resource.startsWith(`proj/${PROJECT}:env/${w.env}:flag/${w.flag}`))
        problems.push(`${w.value}: audit resource ${e.resource}`);
      if (w.version === undefined || e.currentVersion !== w.version)
        problems.push(`${w.value}: answered version ${w.version}, audit entry version ${e.currentVersion}`);
      if (!JSON.stringify(e.after).includes(`"${w.value}"`))
        problems.push(`${w.value}: not in the audit entry's after`);
      if (
        !state.flagConfigs
          .get(w.env)!
          .get(w.flag)!
          .targets.some((t) => t.endsWith(`:${w.value}`))
      )
        problems.push(`${w.value}: not a target of ${w.env}/${w.flag} at the end`);
    }
    expect(accepted.length).toBeGreaterThan(0);
    expect({ count: problems.length, first: problems.slice(0, 30) }).toEqual({ count: 0, first: [] });
  });

  it('no refused write left anything behind: no audit entry, no flag version, no target', async () => {
    const refused = run.writes.filter((w) => w.status === 503);
    const audited = new Set(
      (await run.nodeA.sql<{ comment: string }>(`SELECT comment FROM "AuditEntry" WHERE comment LIKE 'load-w%'`)).map(
        (r) => r.comment,
      ),
    );
    const versioned = new Set(
      (await run.nodeA.sql<{ comment: string }>(`SELECT comment FROM "FlagVersion" WHERE comment LIKE 'load-w%'`)).map(
        (r) => r.comment,
      ),
    );
    const state = run.finalState ?? (await run.readFinalState());
    const targeted = new Set<string>();
    for (const env of ENVS)
      for (const c of state.flagConfigs.get(env)!.values()) for (const t of c.targets) targeted.add(t.split(':')[2]);
    const leftovers = refused
      .filter((w) => audited.has(w.value) || versioned.has(w.value) || targeted.has(w.value))
      .map((w) => ({
        value: w.value,
        node: w.node,
        phase: w.phase,
        code: w.code,
        audited: audited.has(w.value),
        versioned: versioned.has(w.value),
        targeted: targeted.has(w.value),
      }));
    expect({ count: leftovers.length, first: leftovers.slice(0, 30) }).toEqual({ count: 0, first: [] });
  });

  it('for every flag, its versions, audit entries and outbox rows agree: each committed version exactly once', async () => {
    const problems: string[] = [];
    for (const env of ENVS) {
      for (const flag of run.flags.keys()) {
        const versions = (
          await run.nodeA.sql<{ version: number }>(
            `SELECT v.version FROM "FlagVersion" v JOIN "FlagEnvironment" fe ON fe.id = v."flagEnvironmentId"
               JOIN "Flag" f ON f.id = fe."flagId" WHERE fe."environmentId" = $1 AND f.key = $2 ORDER BY v.version`,
            [run.envIds.get(env), flag],
          )
        ).map((r) => r.version);
        const outbox = (
          await run.nodeA.sql<{ version: number }>(
            `SELECT version FROM "OutboxEvent" WHERE "environmentId" = $1 AND kind = 'flag' AND key = $2 ORDER BY version`,
            [run.envIds.get(env), flag],
          )
        ).map((r) => r.version);
        const audit = (
          await run.nodeA.sql<{ version: number }>(
            `SELECT "currentVersion" AS version FROM "AuditEntry" WHERE resource LIKE $1 AND "currentVersion" > 1
              ORDER BY "currentVersion"`,
            [`proj/${PROJECT}:env/${env}:flag/${flag}%`],
          )
        ).map((r) => r.version);
        const current = versions[versions.length - 1];
        const expected = Array.from({ length: current }, (_, i) => i + 1);
        if (JSON.stringify(versions) !== JSON.stringify(expected))
          problems.push(`${env}/${flag}: versions ${versions.join(',')}`);
        if (JSON.stringify(outbox) !== JSON.stringify(expected))
          problems.push(`${env}/${flag}: outbox versions ${outbox.join(',')} for 1..${current}`);
        if (JSON.stringify(audit) !== JSON.stringify(expected.slice(1)))
          problems.push(`${env}/${flag}: audit versions ${audit.join(',')} for 2..${current}`);
      }
    }
    expect({ count: problems.length, first: problems.slice(0, 30) }).toEqual({ count: 0, first: [] });
  });

  it('the audit chain verifies and has not forked', async () => {
    const check = await run.nodeA.raw('GET', '/api/v1/audit-log/verify', { token: run.nodeA.ownerToken });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: true });
    const forks = await run.nodeA.sql('SELECT "prevHash" FROM "AuditEntry" GROUP BY "prevHash" HAVING count(*) > 1');
    expect(forks).toEqual([]);
  });

  it('every SDK stream converged to its environment’s final revision and flag state, with no missed revision', async () => {
    const state = run.finalState ?? (await run.readFinalState());
    const diverged = run.streams
      .map((s) => ({
        stream: s.follower.label,
        differences: run.divergence(s, state),
        lastError: s.follower.lastError,
      }))
      .filter((d) => d.differences.length > 0);
    expect(diverged).toEqual([]);
    const anomalies = run.streams.flatMap((s) => s.follower.anomalies.map((a) => `${s.follower.label}: ${a}`));
    expect(anomalies).toEqual([]);
  });

  it('every scheduled change was applied exactly once: none skipped, none twice', async () => {
    const rows = await run.nodeA.sql<{ id: string; status: string; failure: unknown }>(
      `SELECT id, status, failure FROM "ScheduledChange" WHERE id = ANY($1::uuid[])`,
      [run.schedules.map((s) => s.id)],
    );
    const applications = await run.nodeA.sql<{ id: string; n: number }>(
      `SELECT links->'scheduledChange'->>'id' AS id, count(*)::int AS n FROM "AuditEntry"
        WHERE links->'scheduledChange'->>'id' = ANY($1::text[]) GROUP BY 1`,
      [run.schedules.map((s) => s.id)],
    );
    const introduced = await run.nodeA.sql<{ comment: string; n: number }>(
      `SELECT comment, count(*)::int AS n FROM "FlagVersion" WHERE comment LIKE 'load-s%' GROUP BY comment`,
    );
    const state = run.finalState ?? (await run.readFinalState());
    const report = run.schedules.map((s) => ({
      value: s.value,
      duePhase: s.duePhase,
      status: rows.find((r) => r.id === s.id)?.status,
      applications: applications.find((a) => a.id === s.id)?.n ?? 0,
      versions: introduced.find((i) => i.comment === s.value)?.n ?? 0,
      targeted: state.flagConfigs
        .get(s.env)!
        .get(SCHEDULE_FLAG)!
        .targets.some((t) => t.endsWith(`:${s.value}`)),
    }));
    expect(report).toEqual(
      run.schedules.map((s) => ({
        value: s.value,
        duePhase: s.duePhase,
        status: 'applied',
        applications: 1,
        versions: 1,
        targeted: true,
      })),
    );
  });

  it('both nodes are still live at the end', async () => {
    for (const n of ['A', 'B'] as NodeName[]) {
      const res = await fetch(`${run.nodeUrl(n)}/health/live`).catch(() => undefined);
      expect({ node: n, status: res?.status }).toEqual({ node: n, status: 200 });
    }
  });
});
