/**
 * The script of test/e2e/faults/load-with-faults.spec.ts: what the load is made of (project,
 * environments, flags, writers, streams, schedules), the fault phases in order, and the records
 * the run keeps of what it sent and saw (LoadRun, load-run.ts).
 */
import type { FaultProxy } from '../fault-proxy';
import type { StreamFollower } from '../stream-follower';

export const PROJECT = 'load';
export const ENVS = ['e0', 'e1', 'e2'];
export const WRITE_FLAGS = ['w0', 'w1', 'w2', 'w3'];
export const SCHEDULE_FLAG = 'scheduled';
export const WRITERS = 6;
/** Pause between two writes of one writer, and after a refusal (so a refused store is not hammered). */
export const PAUSE_MS = 100;
export const REFUSED_PAUSE_MS = 250;
/** A write with no answer after this is recorded as a failure (keeps the run bounded). */
export const REQUEST_TIMEOUT_MS = 45_000;
export const STREAMS_PER_ENV_AND_NODE = 2;
export const SCHEDULES = 12;
export const SAMPLE_MS = 250;
/** After the load: how long the streams and schedules get to settle before the figures are taken. */
export const SETTLE_MS = 60_000;
export const PG_DELAY_MS = 500;

export type NodeName = 'A' | 'B';

export interface Phase {
  name: string;
  ms: number;
  fault: boolean;
  enter: (links: Links) => Promise<void> | void;
}

export interface Links {
  postgres: FaultProxy[];
  redis: FaultProxy[];
}

export const heal = (links: Links) =>
  Promise.all([...links.postgres, ...links.redis].map((l) => l.heal())).then(() => {});

export const PHASES: Phase[] = [
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
export const QUIET = 'quiet';
export const LOAD_MS = PHASES.reduce((sum, p) => sum + p.ms, 0);

export interface WriteRecord {
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

export interface ScheduleRecord {
  id: string;
  env: string;
  value: string;
  dueAt: number;
  duePhase: string;
  /** The phase it was applied in (from its appliedAt), once applied. */
  appliedPhase?: string;
}

export interface PhaseFigures {
  accepted: number;
  refused: number;
  other: number;
  maxLagRevisions: number;
  maxLagSeconds: number;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A flag's individual targets as comparable strings (`kind:variation:key`), sorted. */
export function targetKeys(config: {
  targets?: { variation: number; values: string[] }[];
  contextTargets?: { contextKind?: string; variation: number; values: string[] }[];
}): string[] {
  const out: string[] = [];
  for (const t of config.targets ?? []) for (const v of t.values) out.push(`user:${t.variation}:${v}`);
  for (const t of config.contextTargets ?? [])
    for (const v of t.values) out.push(`${t.contextKind ?? 'user'}:${t.variation}:${v}`);
  return [...new Set(out)].sort();
}

/** One SDK stream the run follows, on one node for one environment. */
export interface LoadStream {
  follower: StreamFollower;
  env: string;
  node: NodeName;
}

/** One SDK poll or OFREP bulk evaluation made during the run. */
export interface SdkAnswer {
  node: NodeName;
  phase: string;
  surface: string;
  status: number;
  detail?: string;
}

/** The truth at the end, that every stream and write is checked against. */
export interface FinalState {
  revisions: Map<string, bigint>;
  flagConfigs: Map<string, Map<string, { version: number; on: boolean; targets: string[] }>>;
  convergedStreams: number;
  pendingSchedules: number;
}

/** The phase an instant of the run falls in, for a run whose load began at `start`. */
export function phaseAt(start: number, at: number): string {
  let end = start;
  for (const p of PHASES) {
    end += p.ms;
    if (at < end) return p.name;
  }
  return QUIET;
}
