/**
 * An SSE client for benchmarks: many raw streams (http.get without an agent, so one socket each),
 * looking only for `event: patch` in what arrives, and the arrival times of each change's event
 * on every stream. Deliberately cheap, but it shares the machine with what it measures.
 */
import http from 'node:http';

const OPEN_IN_FLIGHT = 200;
export const RECEIPT_TIMEOUT_MS = 10_000;
const NEEDLE = 'event: patch';

export interface StreamTarget {
  port: number;
  host?: string;
  path?: string;
  /** Sent as Authorization. */
  sdkKey: string;
  /**
   * Source addresses to open from, in turn (127.0.0.x): each has its own ~28k ephemeral ports
   * towards one destination port.
   */
  localAddresses?: string[];
}

interface Stream {
  req: http.ClientRequest;
  base: number;
  patches: number;
  tail: string;
  closed: boolean;
}

export class Streams {
  readonly all: Stream[] = [];
  /** sentAt[k]: when change k was sent; receipts[k]: arrival times of its patch event. */
  readonly sentAt: number[] = [];
  readonly receipts: number[][] = [];
  closedEarly = 0;
  private waiter?: { k: number; need: number; resolve: () => void };

  private opened = 0;

  constructor(private readonly target: StreamTarget) {}

  /** Opens one stream; resolves when its first bytes (the put) arrive. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s: Stream = {
        req: undefined as unknown as http.ClientRequest,
        base: this.sentAt.length,
        patches: 0,
        tail: '',
        closed: false,
      };
      const t = this.target;
      const local = t.localAddresses?.length ? t.localAddresses[this.opened++ % t.localAddresses.length] : undefined;
      s.req = http.get(
        {
          host: t.host ?? '127.0.0.1',
          port: t.port,
          path: t.path ?? '/all',
          agent: false,
          localAddress: local,
          headers: { authorization: t.sdkKey },
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`GET /all -> ${res.statusCode}`));
            return;
          }
          let first = true;
          res.on('data', (chunk: Buffer) => {
            const now = performance.now();
            if (first) {
              first = false;
              resolve();
            }
            // Only the event name matters; the carried tail catches a name split across two chunks.
            const text = s.tail + chunk.toString('latin1');
            let at = text.indexOf(NEEDLE);
            while (at !== -1) {
              this.received(s, now);
              at = text.indexOf(NEEDLE, at + NEEDLE.length);
            }
            s.tail = text.slice(-(NEEDLE.length - 1));
          });
          res.on('close', () => {
            if (!s.closed) this.closedEarly += 1;
            s.closed = true;
          });
        },
      );
      s.req.on('error', (e) => {
        if (!s.closed) reject(e);
      });
      this.all.push(s);
    });
  }

  async openMany(n: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: OPEN_IN_FLIGHT }, async () => {
        while (next < n) {
          next += 1;
          await this.open();
        }
      }),
    );
  }

  get openCount(): number {
    return this.all.filter((s) => !s.closed).length;
  }

  private received(s: Stream, now: number) {
    const k = s.base + s.patches;
    s.patches += 1;
    (this.receipts[k] ??= []).push(now);
    const w = this.waiter;
    if (w && w.k === k && this.receipts[k].length >= w.need) {
      this.waiter = undefined;
      w.resolve();
    }
  }

  /** Sends change k and waits until every open stream has its patch event (or the timeout). */
  async change(send: () => Promise<void>): Promise<{ k: number; sendMs: number; complete: boolean }> {
    const k = this.sentAt.length;
    const need = this.openCount;
    this.receipts[k] = [];
    const done = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), RECEIPT_TIMEOUT_MS);
      this.waiter = {
        k,
        need,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
    });
    const t0 = performance.now();
    this.sentAt.push(t0);
    await send();
    const sendMs = performance.now() - t0;
    const complete = await done;
    this.waiter = undefined;
    return { k, sendMs, complete };
  }

  closeAll() {
    for (const s of this.all) {
      s.closed = true;
      s.req.destroy();
    }
  }
}

/** The reference: holds SSE streams, and POST /broadcast writes one event to all of them. */
export const BARE_SSE_SERVER = `
const http = require('node:http');
const streams = new Set();
const event = process.env.BARE_EVENT;
http.createServer((req, res) => {
  if (req.method === 'POST') {
    for (const s of streams) s.write(event);
    res.end('ok');
    return;
  }
  if (req.url === '/count') {
    res.end(String(streams.size));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.write(process.env.BARE_PUT);
  streams.add(res);
  res.on('close', () => streams.delete(res));
}).listen(Number(process.env.BARE_PORT), '127.0.0.1', () => process.stdout.write('ready'));
`;
