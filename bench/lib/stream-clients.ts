/**
 * Many SSE streams held by child processes (lib/sse-client.ts in each): a process can hold only
 * `ulimit -n` sockets, and a client apart from the benchmark's own process has a CPU time of its
 * own to report. Receipt times cross processes as wall-clock milliseconds
 * (performance.timeOrigin + now()), so a latency is the child's receipt minus the parent's send.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Streams, type StreamTarget } from './sse-client';

type ToChild =
  { type: 'open'; target: StreamTarget; count: number } | { type: 'count' } | { type: 'change' } | { type: 'close' };
type FromChild =
  | { type: 'opened'; open: number; closedEarly: number }
  | { type: 'armed' }
  | { type: 'received'; times: number[]; need: number; complete: boolean }
  | { type: 'error'; message: string };

const wallNow = () => performance.timeOrigin + performance.now();

export interface ChangeReceipts {
  /** Milliseconds from the send to each stream's receipt, sorted. */
  latencies: number[];
  /** How long send() took (the PATCH's response). */
  sendMs: number;
  /** Streams that should have received it (open when it was sent). */
  need: number;
  complete: boolean;
}

export class StreamClients {
  private constructor(private readonly children: ChildProcess[]) {}

  /** Opens `count` streams on target, at most perProcess per child process. */
  static async open(target: StreamTarget, count: number, perProcess: number): Promise<StreamClients> {
    const n = Math.ceil(count / perProcess);
    const children = Array.from({ length: n }, () =>
      fork(__filename, [], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: 'inherit' }),
    );
    const clients = new StreamClients(children);
    try {
      await Promise.all(
        children.map((c, i) => {
          const share = Math.floor(count / n) + (i < count % n ? 1 : 0);
          return clients.ask(c, { type: 'open', target, count: share }, 'opened');
        }),
      );
    } catch (e) {
      clients.close();
      throw e;
    }
    return clients;
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid as number);
  }

  /** Streams open now, and how many the server closed. */
  async count(): Promise<{ open: number; closedEarly: number }> {
    const r = await Promise.all(this.children.map((c) => this.ask(c, { type: 'count' }, 'opened')));
    return {
      open: r.reduce((a, x) => a + (x as { open: number }).open, 0),
      closedEarly: r.reduce((a, x) => a + (x as { closedEarly: number }).closedEarly, 0),
    };
  }

  /** Arms every child for the next change, calls send(), and gathers every stream's receipt of it. */
  async change(send: () => Promise<void>): Promise<ChangeReceipts> {
    const received = this.children.map(
      (c) =>
        new Promise<FromChild & { type: 'received' }>((resolve) => {
          const on = (m: FromChild) => {
            if (m.type !== 'received') return;
            c.off('message', on);
            resolve(m);
          };
          c.on('message', on);
        }),
    );
    await Promise.all(this.children.map((c) => this.ask(c, { type: 'change' }, 'armed')));
    const sentAt = wallNow();
    await send();
    const sendMs = wallNow() - sentAt;
    const all = await Promise.all(received);
    const latencies = all.flatMap((r) => r.times.map((t) => t - sentAt)).sort((a, b) => a - b);
    return {
      latencies,
      sendMs,
      need: all.reduce((a, r) => a + r.need, 0),
      complete: all.every((r) => r.complete),
    };
  }

  close(): void {
    for (const c of this.children) if (c.connected) c.send({ type: 'close' } satisfies ToChild);
  }

  private ask(c: ChildProcess, m: ToChild, answer: FromChild['type']): Promise<FromChild> {
    return new Promise((resolve, reject) => {
      const on = (r: FromChild) => {
        if (r.type === 'error') reject(new Error(r.message));
        else if (r.type !== answer) return;
        else resolve(r);
        c.off('message', on);
      };
      c.on('message', on);
      c.send(m);
    });
  }
}

/** The child: holds its streams and answers the parent's messages. */
function child() {
  let streams: Streams | undefined;
  const send = (m: FromChild) => process.send?.(m);
  process.on('message', (m: ToChild) => {
    if (m.type === 'open') {
      streams ??= new Streams(m.target);
      const s = streams;
      s.openMany(m.count).then(
        () => send({ type: 'opened', open: s.openCount, closedEarly: s.closedEarly }),
        (e: Error) => send({ type: 'error', message: `opening streams: ${e.message}` }),
      );
    } else if (m.type === 'count' && streams) {
      send({ type: 'opened', open: streams.openCount, closedEarly: streams.closedEarly });
    } else if (m.type === 'change' && streams) {
      const s = streams;
      void s
        .change(async () => {
          send({ type: 'armed' });
        })
        .then(({ k, complete }) =>
          send({
            type: 'received',
            times: (s.receipts[k] ?? []).map((t) => performance.timeOrigin + t),
            need: s.openCount,
            complete,
          }),
        );
    } else if (m.type === 'close') {
      streams?.closeAll();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) child();
