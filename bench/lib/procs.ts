/**
 * What a benchmark reads about processes on this machine: CPU time and memory from /proc, the
 * PostgreSQL and Redis server processes, and one line that says which machine and how loaded.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

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
 * returning its pids, asked again at stop() so that processes started in between count too (from
 * zero, which is exact for a process that did not exist at start()).
 */
export class CpuMeter {
  private before = new Map<number, number>();

  constructor(private readonly groups: Record<string, () => number[]>) {}

  start(): this {
    this.before.clear();
    for (const pids of Object.values(this.groups)) for (const pid of pids()) this.before.set(pid, cpuSeconds(pid));
    return this;
  }

  stop(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      out[name] = 0;
      for (const pid of pids()) out[name] += cpuSeconds(pid) - (this.before.get(pid) ?? 0);
    }
    return out;
  }
}
