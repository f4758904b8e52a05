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
import { startGantry, startSecondNode, type ApiClient, type Gantry, type GantryNode } from '../../support/app-harness';
import { sdkKeyOf } from '../../support/delivery';
import { postgresFaultProxy, redisFaultProxy, type FaultProxy } from '../../support/fault-proxy';
import { factory, ok, type Flag } from '../../support/factories';
import { followStream, type SdkFlagLike, type StreamFollower } from '../../support/stream-follower';

const PROJECT = 'load';
const ENVS = ['e0', 'e1', 'e2'];
const WRITE_FLAGS = ['w0', 'w1', 'w2', 'w3'];
const SCHEDULE_FLAG = 'scheduled';
const WRITERS = 6;
/** Pause between two writes of one writer, and after a refusal (so a refused store is not hammered). */
const PAUSE_MS = 100;
const REFUSED_PAUSE_MS = 250;
/** A write with no answer after this is recorded as a failure (keeps the run bounded). */
const REQUEST_TIMEOUT_MS = 45_000;
const STREAMS_PER_ENV_AND_NODE = 2;
const SCHEDULES = 12;
const SAMPLE_MS = 250;
/** After the load: how long the streams and schedules get to settle before the figures are taken. */
const SETTLE_MS = 60_000;
const PG_DELAY_MS = 500;

jest.setTimeout(240_000);

type NodeName = 'A' | 'B';

interface Phase {
  name: string;
  ms: number;
  fault: boolean;
  enter: (links: Links) => Promise<void> | void;
}

interface Links {
  postgres: FaultProxy[];
  redis: FaultProxy[];
}

const heal = (links: Links) => Promise.all([...links.postgres, ...links.redis].map((l) => l.heal())).then(() => {});

const PHASES: Phase[] = [
  { name: 'baseline', ms: 8_000, fault: false, enter: () => undefined },
  { name: 'redis cut', ms: 12_000, fault: true, enter: (l) => Promise.all(l.redis.map((p) => p.cut())).then(() => {}) },
  { name: 'heal 1', ms: 8_000, fault: false, enter: heal },
  {
    name: 'postgres cut',
    ms: 12_000,
    fault: true,
    enter: (l) => Promise.all(l.postgres.map((p) => p.cut())).then(() => {}),
  },
  { name: 'heal 2', ms: 8_000, fault: false, enter: heal },
  {
    name: `postgres +${PG_DELAY_MS}ms`,
    ms: 12_000,
    fault: true,
    enter: (l) => l.postgres.forEach((p) => p.delay(PG_DELAY_MS)),
  },
  { name: 'heal 3', ms: 8_000, fault: false, enter: heal },
  { name: 'redis black hole', ms: 12_000, fault: true, enter: (l) => l.redis.forEach((p) => p.blackhole()) },
  { name: 'heal 4', ms: 8_000, fault: false, enter: heal },
];
const QUIET = 'quiet';
const LOAD_MS = PHASES.reduce((sum, p) => sum + p.ms, 0);

interface WriteRecord {
  writer: number;
  node: NodeName;
  phase: string;
  env: string;
  flag: string;
  /** The phase the answer came in, when not the one the request was sent in. */
  answeredIn?: string;
  /** The target key the write adds, also its comment: unique to this write. */
  value: string;
  /** HTTP status, or 0 when no answer came (connection error, timeout). */
  status: number;
  code?: string;
  /** The flag's version in `env` the write answered with (2xx only). */
  version?: number;
  /** The server's request id (X-Request-Id), to find the request in the node's log. */
  requestId?: string;
  detail?: string;
}

interface ScheduleRecord {
  id: string;
  env: string;
  value: string;
  dueAt: number;
  duePhase: string;
  /** The phase it was applied in (from its appliedAt), once applied. */
  appliedPhase?: string;
}

interface PhaseFigures {
  accepted: number;
  refused: number;
  other: number;
  maxLagRevisions: number;
  maxLagSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A flag's individual targets as comparable strings (`kind:variation:key`), sorted. */
function targetKeys(config: {
  targets?: { variation: number; values: string[] }[];
  contextTargets?: { contextKind?: string; variation: number; values: string[] }[];
}): string[] {
  const out: string[] = [];
  for (const t of config.targets ?? []) for (const v of t.values) out.push(`user:${t.variation}:${v}`);
  for (const t of config.contextTargets ?? [])
    for (const v of t.values) out.push(`${t.contextKind ?? 'user'}:${t.variation}:${v}`);
  return [...new Set(out)].sort();
}

describe('load with faults: two nodes, writes, schedules and SDK streams while PostgreSQL and Redis fail in turn', () => {
  let nodeA: Gantry;
  let nodeB: GantryNode;
  let api: ApiClient;
  const links: Links = { postgres: [], redis: [] };
  const flags = new Map<string, Flag>();
  const sdkKeys = new Map<string, string>();
  const streams: { follower: StreamFollower; env: string; node: NodeName }[] = [];
  const writes: WriteRecord[] = [];
  /** Every SDK poll (GET /sdk/latest-all) and OFREP bulk evaluation made during the run. */
  const sdkAnswers: { node: NodeName; phase: string; surface: string; status: number; detail?: string }[] = [];
  const schedules: ScheduleRecord[] = [];
  const phaseFigures = new Map<string, PhaseFigures>();
  let currentPhase = 'set-up';
  /** When each phase actually began (its fault injected), in order. */
  const phaseLog: { name: string; at: number }[] = [];
  /** Per environment: [committed revision, when the sampler first saw it], in order. */
  const committedSeen = new Map<string, { revision: bigint; at: number }[]>();
  let envIds = new Map<string, string>();
  /** Filled by the settle step: the state every stream is compared with. */
  let finalState: FinalState | undefined;
  let figuresPrinted = false;

  interface FinalState {
    revisions: Map<string, bigint>;
    flagConfigs: Map<string, Map<string, { version: number; on: boolean; targets: string[] }>>;
    convergedStreams: number;
    pendingSchedules: number;
  }

  const nodeUrl = (n: NodeName) => (n === 'A' ? nodeA.baseUrl : nodeB.baseUrl);

  beforeAll(async () => {
    links.postgres = [await postgresFaultProxy(), await postgresFaultProxy()];
    links.redis = [await redisFaultProxy(), await redisFaultProxy()];
    nodeA = await startGantry({ role: 'all', postgresPort: links.postgres[0].port, redisPort: links.redis[0].port });
    nodeB = await startSecondNode(nodeA, {
      role: 'all',
      postgresPort: links.postgres[1].port,
      redisPort: links.redis[1].port,
    });
    api = nodeA.client(nodeA.ownerToken);

    await factory.project(api, { key: PROJECT, environments: ENVS });
    for (const key of [...WRITE_FLAGS, SCHEDULE_FLAG])
      flags.set(key, await factory.flag(api, PROJECT, { key, variations: ['a', 'b'] }));
    for (const env of ENVS) sdkKeys.set(env, await sdkKeyOf(api, PROJECT, env));
    envIds = new Map(
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
          streams.push({ follower: followStream(nodeUrl(node), sdkKeys.get(env)!, `${env}@${node}#${i}`), env, node });
    await Promise.all(streams.map((s) => s.follower.initialized));
  }, 120_000);

  afterAll(async () => {
    if (!figuresPrinted && writes.length) printFigures();
    for (const s of streams) s.follower.close();
    // The nodes' logs, for finding what a failed request met (GANTRY_TEST_LOG_DIR=/some/dir).
    const logDir = process.env.GANTRY_TEST_LOG_DIR;
    if (logDir && nodeA) {
      fs.mkdirSync(logDir, { recursive: true });
      fs.writeFileSync(path.join(logDir, 'load-with-faults.node-a.log'), nodeA.stdout() + nodeA.stderr());
      if (nodeB) fs.writeFileSync(path.join(logDir, 'load-with-faults.node-b.log'), nodeB.stdout());
    }
    await nodeA?.stop(); // node B first
    await Promise.all([...links.postgres, ...links.redis].map((l) => l.close()));
  });

  /** The phase an instant of the run falls in. */
  const phaseAt = (start: number, at: number) => {
    let end = start;
    for (const p of PHASES) {
      end += p.ms;
      if (at < end) return p.name;
    }
    return QUIET;
  };

  async function createSchedules(loadStart: number) {
    const scheduleFlag = flags.get(SCHEDULE_FLAG)!;
    for (let k = 0; k < SCHEDULES; k++) {
      const env = ENVS[k % ENVS.length];
      // Spread from 3 s into the run to 6 s before its end: some fall due in every phase.
      const dueAt = loadStart + 3_000 + Math.round((k * (LOAD_MS - 9_000)) / (SCHEDULES - 1));
      const value = `load-s${k}`;
      const created = ok(
        await api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
          params: { path: { projectKey: PROJECT, flagKey: SCHEDULE_FLAG, envKey: env } },
          body: {
            instructions: [{ kind: 'addTargets', variationId: scheduleFlag.variations[k % 2]._id, values: [value] }],
            executionDate: new Date(dueAt).toISOString(),
            comment: value,
          },
        }),
      );
      schedules.push({ id: created.id, env, value, dueAt, duePhase: phaseAt(loadStart, dueAt) });
    }
  }

  /** One writer: writes until told to stop, through one node, over every (environment, flag) pair. */
  async function writer(i: number, stopped: () => boolean) {
    const node: NodeName = i % 2 === 0 ? 'A' : 'B';
    const pairs = ENVS.flatMap((env) => WRITE_FLAGS.map((flag) => ({ env, flag })));
    for (let n = 0; !stopped(); n++) {
      const { env, flag } = pairs[(i * 5 + n) % pairs.length];
      const value = `load-w${i}-${n}`;
      const record: WriteRecord = { writer: i, node, phase: currentPhase, env, flag, value, status: 0 };
      writes.push(record);
      try {
        const res = await fetch(`${nodeUrl(node)}/api/v1/projects/${PROJECT}/flags/${flag}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${nodeA.ownerToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            environmentKey: env,
            instructions: [
              { kind: 'addTargets', variationId: flags.get(flag)!.variations[n % 2]._id, values: [value] },
              { kind: n % 3 === 0 ? 'turnFlagOff' : 'turnFlagOn' },
            ],
            comment: value,
          }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        record.status = res.status;
        record.requestId = res.headers.get('x-request-id') ?? undefined;
        const text = await res.text();
        const body = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : undefined;
        if (res.status >= 200 && res.status < 300) record.version = body?.environments?.[env]?.version;
        else {
          record.code = body?.code;
          record.detail = text.slice(0, 300);
        }
      } catch (error) {
        record.detail = `${(error as Error).name}: ${(error as Error).message}`;
      }
      if (currentPhase !== record.phase) record.answeredIn = currentPhase;
      await sleep(record.status >= 200 && record.status < 300 ? PAUSE_MS : REFUSED_PAUSE_MS);
    }
  }

  /** Polling and OFREP on both nodes, round the environments, until told to stop: they must keep serving. */
  async function sdkClient(stopped: () => boolean) {
    for (let n = 0; !stopped(); n++) {
      const node: NodeName = n % 2 === 0 ? 'A' : 'B';
      const sdkKey = sdkKeys.get(ENVS[n % ENVS.length])!;
      const phase = currentPhase;
      const calls: [string, () => Promise<Response>][] = [
        [
          'polling',
          () =>
            fetch(`${nodeUrl(node)}/sdk/latest-all`, {
              headers: { authorization: sdkKey },
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            }),
        ],
        [
          'ofrep',
          () =>
            fetch(`${nodeUrl(node)}/ofrep/v1/evaluate/flags`, {
              method: 'POST',
              headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
              body: JSON.stringify({ context: { targetingKey: `sdk-user-${n}` } }),
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            }),
        ],
      ];
      for (const [surface, call] of calls) {
        try {
          const res = await call();
          const text = await res.text();
          sdkAnswers.push({
            node,
            phase,
            surface,
            status: res.status,
            detail: res.ok ? undefined : text.slice(0, 200),
          });
        } catch (error) {
          sdkAnswers.push({ node, phase, surface, status: 0, detail: (error as Error).message });
        }
      }
      await sleep(200);
    }
  }

  const figuresOf = (phase: string) => {
    let f = phaseFigures.get(phase);
    if (!f) {
      f = { accepted: 0, refused: 0, other: 0, maxLagRevisions: 0, maxLagSeconds: 0 };
      phaseFigures.set(phase, f);
    }
    return f;
  };

  /** Compares every stream's revision with the committed one; the worst lag counts for the current phase. */
  async function sample() {
    const rows = await nodeA.sql<{ key: string; revision: string }>(
      `SELECT e.key, e.revision::text AS revision FROM "Environment" e JOIN "Project" p ON p.id = e."projectId"
        WHERE p.key = $1`,
      [PROJECT],
    );
    const now = Date.now();
    const figures = figuresOf(currentPhase);
    for (const r of rows) {
      const seen = committedSeen.get(r.key) ?? [];
      committedSeen.set(r.key, seen);
      const revision = BigInt(r.revision);
      if (!seen.length || seen[seen.length - 1].revision < revision) seen.push({ revision, at: now });
    }
    for (const s of streams) {
      const seen = committedSeen.get(s.env) ?? [];
      const committed = seen.length ? seen[seen.length - 1].revision : 0n;
      const behind = committed - s.follower.revision;
      if (behind <= 0n) continue;
      figures.maxLagRevisions = Math.max(figures.maxLagRevisions, Number(behind));
      // How long the oldest revision this stream has not seen has been committed (as first sampled).
      const oldestUnseen = seen.find((c) => c.revision > s.follower.revision);
      if (oldestUnseen) figures.maxLagSeconds = Math.max(figures.maxLagSeconds, (now - oldestUnseen.at) / 1000);
    }
  }

  /** The truth at the end, from PostgreSQL (directly, not through the proxies) and the management API. */
  async function readFinalState(): Promise<Omit<FinalState, 'convergedStreams' | 'pendingSchedules'>> {
    const revisions = new Map<string, bigint>();
    for (const r of await nodeA.sql<{ key: string; revision: string }>(
      `SELECT e.key, e.revision::text AS revision FROM "Environment" e JOIN "Project" p ON p.id = e."projectId"
        WHERE p.key = $1`,
      [PROJECT],
    ))
      revisions.set(r.key, BigInt(r.revision));
    const flagConfigs = new Map<string, Map<string, { version: number; on: boolean; targets: string[] }>>();
    for (const env of ENVS) flagConfigs.set(env, new Map());
    for (const key of flags.keys()) {
      const flag = ok(
        await api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
          params: { path: { projectKey: PROJECT, flagKey: key } },
        }),
      );
      for (const env of ENVS) {
        const c = flag.environments[env];
        flagConfigs.get(env)!.set(key, { version: c.version, on: c.on, targets: targetKeys(c) });
      }
    }
    return { revisions, flagConfigs };
  }

  /** What differs between a stream and the final state ([] when it converged). */
  function divergence(
    s: { follower: StreamFollower; env: string },
    state: Omit<FinalState, 'convergedStreams' | 'pendingSchedules'>,
  ): string[] {
    const out: string[] = [];
    const revision = state.revisions.get(s.env)!;
    if (s.follower.revision !== revision) out.push(`revision ${s.follower.revision}, committed ${revision}`);
    for (const [key, want] of state.flagConfigs.get(s.env)!) {
      const got: SdkFlagLike | undefined = s.follower.flags.get(key);
      if (!got) {
        out.push(`${key} missing`);
        continue;
      }
      const gotState = { version: got.version, on: got.on, targets: targetKeys(got) };
      if (gotState.version !== want.version || gotState.on !== want.on)
        out.push(`${key} v${gotState.version} on=${gotState.on}, final v${want.version} on=${want.on}`);
      else if (JSON.stringify(gotState.targets) !== JSON.stringify(want.targets))
        out.push(`${key} targets differ at the same version ${want.version}`);
    }
    return out;
  }

  async function pendingSchedules(): Promise<number> {
    const [{ n }] = await nodeA.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "ScheduledChange" WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [schedules.map((s) => s.id)],
    );
    return n;
  }

  function printFigures() {
    figuresPrinted = true;
    const accepted = writes.filter((w) => w.status >= 200 && w.status < 300);
    const refused = writes.filter((w) => w.status === 503);
    const other = writes.filter((w) => !(w.status >= 200 && w.status < 300) && w.status !== 503);
    const byNode = (list: WriteRecord[], n: NodeName) => list.filter((w) => w.node === n).length;
    const sum = (of: (s: (typeof streams)[number]) => number) => streams.reduce((n, s) => n + of(s), 0);
    const lines = [
      `load with faults: ${WRITERS} writers, ${streams.length} SDK streams, ${SCHEDULES} scheduled changes, ${LOAD_MS / 1000} s of load`,
      `writes accepted (2xx):      ${accepted.length}  (node A ${byNode(accepted, 'A')}, node B ${byNode(accepted, 'B')})`,
      `writes refused (503):       ${refused.length}  (node A ${byNode(refused, 'A')}, node B ${byNode(refused, 'B')})`,
      `writes failed (other):      ${other.length}  ${summarizeOther(other)}`,
      `streams converged:          ${finalState?.convergedStreams ?? '?'} / ${streams.length}`,
      `stream reconnects / puts:   ${sum((s) => s.follower.connections - 1)} / ${sum((s) => s.follower.puts)}`,
      `stream anomalies:           ${sum((s) => s.follower.anomalies.length)}`,
      `SDK polls + OFREP answered: ${sdkAnswers.length}, not 200: ${sdkAnswers.filter((a) => a.status !== 200).length}`,
      `schedules applied:          ${finalState ? SCHEDULES - finalState.pendingSchedules : '?'} / ${SCHEDULES}` +
        ' (not pending at the end; exactly-once is asserted below)',
      'schedules, due → applied:',
      ...schedules.map((s) => `  ${s.value.padEnd(9)} ${s.duePhase.padEnd(18)} → ${s.appliedPhase ?? 'not applied'}`),
      '',
      'phase               accepted  refused  other  max lag (revisions)  max lag (s)',
      ...[...PHASES.map((p) => p.name), QUIET].map((name) => {
        const f = figuresOf(name);
        return (
          `${name.padEnd(20)}${String(f.accepted).padStart(8)}${String(f.refused).padStart(9)}${String(f.other).padStart(7)}` +
          `${String(f.maxLagRevisions).padStart(21)}${f.maxLagSeconds.toFixed(1).padStart(13)}`
        );
      }),
    ];
    console.log(lines.join('\n'));
  }

  function summarizeOther(other: WriteRecord[]): string {
    const counts = new Map<string, number>();
    for (const w of other) {
      const key = `${w.status || 'no answer'}${w.code ? ` ${w.code}` : ''} in ${w.phase}${w.answeredIn ? ` → ${w.answeredIn}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => `${n}× ${k}`).join('; ');
  }

  it('runs the load through every phase, then settles', async () => {
    const loadStart = Date.now() + 2_000 + SCHEDULES * 300;
    await createSchedules(loadStart);
    while (Date.now() < loadStart) await sleep(20);

    let stopWriters = false;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sample().catch(() => undefined);
        await sleep(SAMPLE_MS);
      }
    })();
    const writers = Array.from({ length: WRITERS }, (_, i) => writer(i, () => stopWriters));
    const sdk = sdkClient(() => stopWriters);

    for (const phase of PHASES) {
      currentPhase = phase.name;
      phaseLog.push({ name: phase.name, at: Date.now() });
      await phase.enter(links);
      await sleep(phase.ms);
    }
    currentPhase = QUIET;
    phaseLog.push({ name: QUIET, at: Date.now() });
    stopWriters = true;
    await Promise.all([...writers, sdk]);

    // Quiet: no faults, no writes. Wait (bounded) for every stream and schedule to settle.
    const settleBy = Date.now() + SETTLE_MS;
    for (;;) {
      const state = await readFinalState();
      const converged = streams.filter((s) => divergence(s, state).length === 0).length;
      const pending = await pendingSchedules();
      finalState = { ...state, convergedStreams: converged, pendingSchedules: pending };
      if ((converged === streams.length && pending === 0) || Date.now() > settleBy) break;
      await sleep(500);
    }
    sampling = false;
    await sampler;
    const phaseOf = (t: number) => phaseLog.filter((p) => p.at <= t).pop()?.name ?? 'set-up';
    for (const row of await nodeA.sql<{ id: string; appliedAt: Date | null }>(
      `SELECT id, "appliedAt" FROM "ScheduledChange" WHERE id = ANY($1::uuid[])`,
      [schedules.map((s) => s.id)],
    )) {
      const record = schedules.find((s) => s.id === row.id);
      if (record && row.appliedAt) record.appliedPhase = phaseOf(row.appliedAt.getTime());
    }

    for (const w of writes) {
      const f = figuresOf(w.phase);
      if (w.status >= 200 && w.status < 300) f.accepted++;
      else if (w.status === 503) f.refused++;
      else f.other++;
    }
    printFigures();
    // The load did run: writes were accepted before the first fault.
    expect(figuresOf('baseline').accepted).toBeGreaterThan(0);
  });

  it('every write was accepted (2xx) or refused with 503: nothing else', () => {
    // Grouped by answer and phase, with the first request of each group (its id is in the node's log).
    const other: Record<string, { count: number; first: Partial<WriteRecord> }> = {};
    for (const w of writes) {
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
    const unstable = writes
      .filter((w) => w.status === 503 && !/unavailable/.test(w.code ?? ''))
      .map((w) => ({ node: w.node, phase: w.phase, code: w.code, detail: w.detail }));
    expect(unstable).toEqual([]);
  });

  it('SDK polling and OFREP kept answering 200 on both nodes through every phase', () => {
    const failed: Record<string, { count: number; first?: string }> = {};
    for (const a of sdkAnswers) {
      if (a.status === 200) continue;
      const key = `${a.surface} on ${a.node}: ${a.status || 'no answer'} in ${a.phase}`;
      failed[key] ??= { count: 0, first: a.detail };
      failed[key].count++;
    }
    expect(sdkAnswers.length).toBeGreaterThan(0);
    expect(failed).toEqual({});
  });

  it('every accepted write is in the audit chain exactly once, with the version it answered, and its target is in the flag', async () => {
    const accepted = writes.filter((w) => w.status >= 200 && w.status < 300);
    const entries = await nodeA.sql<{ comment: string; resource: string; currentVersion: number | null; after: any }>(
      `SELECT comment, resource, "currentVersion", after FROM "AuditEntry" WHERE comment LIKE 'load-w%'`,
    );
    const byComment = new Map<string, typeof entries>();
    for (const e of entries) byComment.set(e.comment, [...(byComment.get(e.comment) ?? []), e]);
    const state = finalState ?? (await readFinalState());
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
    const refused = writes.filter((w) => w.status === 503);
    const audited = new Set(
      (await nodeA.sql<{ comment: string }>(`SELECT comment FROM "AuditEntry" WHERE comment LIKE 'load-w%'`)).map(
        (r) => r.comment,
      ),
    );
    const versioned = new Set(
      (await nodeA.sql<{ comment: string }>(`SELECT comment FROM "FlagVersion" WHERE comment LIKE 'load-w%'`)).map(
        (r) => r.comment,
      ),
    );
    const state = finalState ?? (await readFinalState());
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
      for (const flag of flags.keys()) {
        const versions = (
          await nodeA.sql<{ version: number }>(
            `SELECT v.version FROM "FlagVersion" v JOIN "FlagEnvironment" fe ON fe.id = v."flagEnvironmentId"
               JOIN "Flag" f ON f.id = fe."flagId" WHERE fe."environmentId" = $1 AND f.key = $2 ORDER BY v.version`,
            [envIds.get(env), flag],
          )
        ).map((r) => r.version);
        const outbox = (
          await nodeA.sql<{ version: number }>(
            `SELECT version FROM "OutboxEvent" WHERE "environmentId" = $1 AND kind = 'flag' AND key = $2 ORDER BY version`,
            [envIds.get(env), flag],
          )
        ).map((r) => r.version);
        const audit = (
          await nodeA.sql<{ version: number }>(
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
    const check = await nodeA.raw('GET', '/api/v1/audit-log/verify', { token: nodeA.ownerToken });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: true });
    const forks = await nodeA.sql('SELECT "prevHash" FROM "AuditEntry" GROUP BY "prevHash" HAVING count(*) > 1');
    expect(forks).toEqual([]);
  });

  it('every SDK stream converged to its environment’s final revision and flag state, with no missed revision', async () => {
    const state = finalState ?? (await readFinalState());
    const diverged = streams
      .map((s) => ({ stream: s.follower.label, differences: divergence(s, state), lastError: s.follower.lastError }))
      .filter((d) => d.differences.length > 0);
    expect(diverged).toEqual([]);
    const anomalies = streams.flatMap((s) => s.follower.anomalies.map((a) => `${s.follower.label}: ${a}`));
    expect(anomalies).toEqual([]);
  });

  it('every scheduled change was applied exactly once: none skipped, none twice', async () => {
    const rows = await nodeA.sql<{ id: string; status: string; failure: unknown }>(
      `SELECT id, status, failure FROM "ScheduledChange" WHERE id = ANY($1::uuid[])`,
      [schedules.map((s) => s.id)],
    );
    const applications = await nodeA.sql<{ id: string; n: number }>(
      `SELECT links->'scheduledChange'->>'id' AS id, count(*)::int AS n FROM "AuditEntry"
        WHERE links->'scheduledChange'->>'id' = ANY($1::text[]) GROUP BY 1`,
      [schedules.map((s) => s.id)],
    );
    const introduced = await nodeA.sql<{ comment: string; n: number }>(
      `SELECT comment, count(*)::int AS n FROM "FlagVersion" WHERE comment LIKE 'load-s%' GROUP BY comment`,
    );
    const state = finalState ?? (await readFinalState());
    const report = schedules.map((s) => ({
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
      schedules.map((s) => ({
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
      const res = await fetch(`${nodeUrl(n)}/health/live`).catch(() => undefined);
      expect({ node: n, status: res?.status }).toEqual({ node: n, status: 200 });
    }
  });
});
