/**
 * What a benchmark reads about processes on this machine: CPU time and memory from /proc, the
 * PostgreSQL and Redis server processes, and one line that says which machine and how loaded.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';

/** CPU time (user + system) a process has used, in seconds (from /proc; clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // exited: its last CPU time is lost, which the caller's delta then under-counts
  }
}

/** Write and read system calls a process has made (syscw, syscr from /proc/<pid>/io). */
export function syscalls(pid: number): { writes: number; reads: number } {
  const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(io)?.[1] ?? NaN);
  return { writes: field('syscw'), reads: field('syscr') };
}

/** Resident set size of a process, in KiB (VmRSS). */
export function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

function pgrep(args: string[]): number[] {
  try {
    return execFileSync('pgrep', args).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/**
 * Every PostgreSQL server process (postmaster, backends, background workers). The server is
 * shared with everyone on the machine, so its CPU includes other sessions' queries too.
 */
export const postgresPids = () => pgrep(['-x', 'postgres']);
export const redisPids = () => pgrep(['-x', 'redis-server']);

/** "2 x AMD EPYC, node v20…, load average 1.2 0.9 0.7" — printed by every benchmark. */
export function machineLine(): string {
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  return `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; load average ${load}`;
}

/**
 * CPU seconds used by named groups of processes between start() and stop(). A group is a function
 * returning its pids; it is asked again every SAMPLE_MS, so that a process that appears in between
 * counts from zero (exact for one that did not exist at start()) and one that exits keeps what it
 * had used at its last sample (a pooled database connection closed while idle, for instance).
 */
export class CpuMeter {
  private first = new Map<number, number>();
  private last = new Map<number, { group: string; cpu: number }>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly groups: Record<string, () => number[]>) {}

  start(): this {
    this.first.clear();
    this.last.clear();
    this.sample(true);
    this.timer = setInterval(() => this.sample(false), SAMPLE_MS);
    return this;
  }

  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample(false);
    const out: Record<string, number> = Object.fromEntries(Object.keys(this.groups).map((g) => [g, 0]));
    for (const [pid, { group, cpu }] of this.last) out[group] += cpu - (this.first.get(pid) ?? 0);
    return out;
  }

  private sample(initial: boolean) {
    for (const [group, pids] of Object.entries(this.groups))
      for (const pid of pids()) {
        const cpu = cpuSeconds(pid);
        if (cpu === 0 && this.last.has(pid)) continue; // exited since it was listed
        if (initial) this.first.set(pid, cpu);
        this.last.set(pid, { group, cpu });
      }
  }
}

const SAMPLE_MS = 250;

/**
 * The PostgreSQL backends serving one database (pg_stat_activity), refreshed every SAMPLE_MS: the
 * CPU that database's clients cost the server, apart from other sessions' queries on the same
 * server. (The server's shared processes, WAL writer and checkpointer, are not in it.)
 */
export class DatabaseBackends {
  pids: number[] = [];
  private readonly client: pg.Client;
  private timer?: NodeJS.Timeout;

  constructor(private readonly database: string) {
    this.client = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
  }

  async start(): Promise<this> {
    await this.client.connect();
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), SAMPLE_MS);
    return this;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.client.end().catch(() => undefined);
  }

  private async refresh() {
    const r = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
      this.database,
    ]);
    this.pids = r.rows.map((x) => x.pid);
  }
}
