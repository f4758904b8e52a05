/**
 * One run of test/e2e/faults/load-with-faults.spec.ts: the load it sends (writers, an SDK client,
 * scheduled changes), what it samples while the faults come and go (how far each stream is behind),
 * the state it reads at the end, and the figures it prints. The spec drives the phases and asserts.
 */
import type { ApiClient, Gantry, GantryNode } from '../app-harness';
import { ok, type Flag } from '../factories';
import type { SdkFlagLike, StreamFollower } from '../stream-follower';
import {
  ENVS,
  LOAD_MS,
  PAUSE_MS,
  PHASES,
  PROJECT,
  QUIET,
  REFUSED_PAUSE_MS,
  REQUEST_TIMEOUT_MS,
  SCHEDULE_FLAG,
  SCHEDULES,
  WRITE_FLAGS,
  WRITERS,
  phaseAt,
  sleep,
  targetKeys,
  type FinalState,
  type LoadStream,
  type NodeName,
  type PhaseFigures,
  type ScheduleRecord,
  type SdkAnswer,
  type WriteRecord,
} from './load-plan';

export class LoadRun {
  readonly flags = new Map<string, Flag>();
  readonly sdkKeys = new Map<string, string>();
  readonly streams: LoadStream[] = [];
  readonly writes: WriteRecord[] = [];
  /** Every SDK poll (GET /sdk/latest-all) and OFREP bulk evaluation made during the run. */
  readonly sdkAnswers: SdkAnswer[] = [];
  readonly schedules: ScheduleRecord[] = [];
  readonly phaseFigures = new Map<string, PhaseFigures>();
  currentPhase = 'set-up';
  /** When each phase actually began (its fault injected), in order. */
  readonly phaseLog: { name: string; at: number }[] = [];
  /** Per environment: [committed revision, when the sampler first saw it], in order. */
  readonly committedSeen = new Map<string, { revision: bigint; at: number }[]>();
  envIds = new Map<string, string>();
  /** Filled by the settle step: the state every stream is compared with. */
  finalState: FinalState | undefined;
  figuresPrinted = false;
  readonly api: ApiClient;

  constructor(
    readonly nodeA: Gantry,
    readonly nodeB: GantryNode,
  ) {
    this.api = nodeA.client(nodeA.ownerToken);
  }

  nodeUrl(n: NodeName): string {
    return n === 'A' ? this.nodeA.baseUrl : this.nodeB.baseUrl;
  }

  async createSchedules(loadStart: number) {
    const scheduleFlag = this.flags.get(SCHEDULE_FLAG)!;
    for (let k = 0; k < SCHEDULES; k++) {
      const env = ENVS[k % ENVS.length];
      // Spread from 3 s into the run to 6 s before its end: some fall due in every phase.
      const dueAt = loadStart + 3_000 + Math.round((k * (LOAD_MS - 9_000)) / (SCHEDULES - 1));
      const value = `load-s${k}`;
      const created = ok(
        await this.api.POST('/api/v1/projects/{projectKey}/flags/{flagKey}/environments/{envKey}/scheduled-changes', {
          params: { path: { projectKey: PROJECT, flagKey: SCHEDULE_FLAG, envKey: env } },
          body: {
            instructions: [{ kind: 'addTargets', variationId: scheduleFlag.variations[k % 2]._id, values: [value] }],
            executionDate: new Date(dueAt).toISOString(),
            comment: value,
          },
        }),
      );
      this.schedules.push({ id: created.id, env, value, dueAt, duePhase: phaseAt(loadStart, dueAt) });
    }
  }

  /** One writer: writes until told to stop, through one node, over every (environment, flag) pair. */
  async writer(i: number, stopped: () => boolean) {
    const node: NodeName = i % 2 === 0 ? 'A' : 'B';
    const pairs = ENVS.flatMap((env) => WRITE_FLAGS.map((flag) => ({ env, flag })));
    for (let n = 0; !stopped(); n++) {
      const { env, flag } = pairs[(i * 5 + n) % pairs.length];
      const value = `load-w${i}-${n}`;
      const record: WriteRecord = { writer: i, node, phase: this.currentPhase, env, flag, value, status: 0 };
      this.writes.push(record);
      try {
        const res = await fetch(`${this.nodeUrl(node)}/api/v1/projects/${PROJECT}/flags/${flag}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${this.nodeA.ownerToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            environmentKey: env,
            instructions: [
              { kind: 'addTargets', variationId: this.flags.get(flag)!.variations[n % 2]._id, values: [value] },
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
      if (this.currentPhase !== record.phase) record.answeredIn = this.currentPhase;
      await sleep(record.status >= 200 && record.status < 300 ? PAUSE_MS : REFUSED_PAUSE_MS);
    }
  }

  /** Polling and OFREP on both nodes, round the environments, until told to stop: they must keep serving. */
  async sdkClient(stopped: () => boolean) {
    for (let n = 0; !stopped(); n++) {
      const node: NodeName = n % 2 === 0 ? 'A' : 'B';
      const sdkKey = this.sdkKeys.get(ENVS[n % ENVS.length])!;
      const phase = this.currentPhase;
      const calls: [string, () => Promise<Response>][] = [
        [
          'polling',
          () =>
            fetch(`${this.nodeUrl(node)}/sdk/latest-all`, {
              headers: { authorization: sdkKey },
              signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
            }),
        ],
        [
          'ofrep',
          () =>
            fetch(`${this.nodeUrl(node)}/ofrep/v1/evaluate/flags`, {
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
          this.sdkAnswers.push({
            node,
            phase,
            surface,
            status: res.status,
            detail: res.ok ? undefined : text.slice(0, 200),
          });
        } catch (error) {
          this.sdkAnswers.push({ node, phase, surface, status: 0, detail: (error as Error).message });
        }
      }
      await sleep(200);
    }
  }

  figuresOf(phase: string): PhaseFigures {
    let f = this.phaseFigures.get(phase);
    if (!f) {
      f = { accepted: 0, refused: 0, other: 0, maxLagRevisions: 0, maxLagSeconds: 0 };
      this.phaseFigures.set(phase, f);
    }
    return f;
  }

  /** Compares every stream's revision with the committed one; the worst lag counts for the current phase. */
  async sample() {
    const rows = await this.nodeA.sql<{ key: string; revision: string }>(
      `SELECT e.key, e.revision::text AS revision FROM "Environment" e JOIN "Project" p ON p.id = e."projectId"
        WHERE p.key = $1`,
      [PROJECT],
    );
    const now = Date.now();
    const figures = this.figuresOf(this.currentPhase);
    for (const r of rows) {
      const seen = this.committedSeen.get(r.key) ?? [];
      this.committedSeen.set(r.key, seen);
      const revision = BigInt(r.revision);
      if (!seen.length || seen[seen.length - 1].revision < revision) seen.push({ revision, at: now });
    }
    for (const s of this.streams) {
      const seen = this.committedSeen.get(s.env) ?? [];
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
  async readFinalState(): Promise<Omit<FinalState, 'convergedStreams' | 'pendingSchedules'>> {
    const revisions = new Map<string, bigint>();
    for (const r of await this.nodeA.sql<{ key: string; revision: string }>(
      `SELECT e.key, e.revision::text AS revision FROM "Environment" e JOIN "Project" p ON p.id = e."projectId"
        WHERE p.key = $1`,
      [PROJECT],
    ))
      revisions.set(r.key, BigInt(r.revision));
    const flagConfigs = new Map<string, Map<string, { version: number; on: boolean; targets: string[] }>>();
    for (const env of ENVS) flagConfigs.set(env, new Map());
    for (const key of this.flags.keys()) {
      const flag = ok(
        await this.api.GET('/api/v1/projects/{projectKey}/flags/{flagKey}', {
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
  divergence(
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

  async pendingSchedules(): Promise<number> {
    const [{ n }] = await this.nodeA.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM "ScheduledChange" WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [this.schedules.map((s) => s.id)],
    );
    return n;
  }

  printFigures() {
    this.figuresPrinted = true;
    const accepted = this.writes.filter((w) => w.status >= 200 && w.status < 300);
    const refused = this.writes.filter((w) => w.status === 503);
    const other = this.writes.filter((w) => !(w.status >= 200 && w.status < 300) && w.status !== 503);
    const byNode = (list: WriteRecord[], n: NodeName) => list.filter((w) => w.node === n).length;
    const sum = (of: (s: LoadStream) => number) => this.streams.reduce((n, s) => n + of(s), 0);
    const lines = [
      `load with faults: ${WRITERS} writers, ${this.streams.length} SDK streams, ` +
        `${SCHEDULES} scheduled changes, ${LOAD_MS / 1000} s of load`,
      `writes accepted (2xx):      ${accepted.length}  (node A ${byNode(accepted, 'A')}, node B ${byNode(accepted, 'B')})`,
      `writes refused (503):       ${refused.length}  (node A ${byNode(refused, 'A')}, node B ${byNode(refused, 'B')})`,
      `writes failed (other):      ${other.length}  ${this.summarizeOther(other)}`,
      `streams converged:          ${this.finalState?.convergedStreams ?? '?'} / ${this.streams.length}`,
      `stream reconnects / puts:   ${sum((s) => s.follower.connections - 1)} / ${sum((s) => s.follower.puts)}`,
      `stream anomalies:           ${sum((s) => s.follower.anomalies.length)}`,
      `SDK polls + OFREP answered: ${this.sdkAnswers.length}, not 200: ${this.sdkAnswers.filter((a) => a.status !== 200).length}`,
      `schedules applied:          ${this.finalState ? SCHEDULES - this.finalState.pendingSchedules : '?'} / ${SCHEDULES}` +
        ' (not pending at the end; exactly-once is asserted below)',
      'schedules, due → applied:',
      ...this.schedules.map(
        (s) => `  ${s.value.padEnd(9)} ${s.duePhase.padEnd(18)} → ${s.appliedPhase ?? 'not applied'}`,
      ),
      '',
      'phase               accepted  refused  other  max lag (revisions)  max lag (s)',
      ...[...PHASES.map((p) => p.name), QUIET].map((name) => {
        const f = this.figuresOf(name);
        return (
          `${name.padEnd(20)}${String(f.accepted).padStart(8)}${String(f.refused).padStart(9)}${String(f.other).padStart(7)}` +
          `${String(f.maxLagRevisions).padStart(21)}${f.maxLagSeconds.toFixed(1).padStart(13)}`
        );
      }),
    ];
    console.log(lines.join('\n'));
  }

  summarizeOther(other: WriteRecord[]): string {
    const counts = new Map<string, number>();
    for (const w of other) {
      const key = `${w.status || 'no answer'}${w.code ? ` ${w.code}` : ''} in ${w.phase}${w.answeredIn ? ` → ${w.answeredIn}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => `${n}× ${k}`).join('; ');
  }
}
