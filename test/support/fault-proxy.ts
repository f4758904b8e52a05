import net from 'node:net';
import { DEFAULT_TEST_REDIS_URL, testServerUrl } from './test-database';

/**
 * A TCP forwarder between Gantry and one of its peers (PostgreSQL, Redis, an upstream Gantry) that
 * a test can break the way networks break:
 *
 * - `cut()`: the listener closes and every connection is reset, as a stopped host looks: new
 *   connections are refused at once.
 * - `blackhole()`: connections are accepted and bytes go nowhere, in either direction; nothing is
 *   closed, as a dropped route or a partition looks: only timeouts notice.
 * - `delay(ms)`: every chunk in either direction arrives `ms` later, in order, as a slow link looks:
 *   one-way latency per chunk, so a request/response round trip takes 2 × ms more and throughput is
 *   not capped (chunks in flight overlap). It applies to open connections and new ones alike (a
 *   new connection's handshake is delayed too). Changing or lifting the delay never reorders bytes:
 *   a chunk is never delivered before one sent earlier in the same direction, and a peer's close
 *   reaches the other side only after the bytes it sent before closing.
 * - `heal()`: back to forwarding. Connections that lived through a black hole are reset, since bytes
 *   were lost in the middle of their protocol; connections that were only delayed carry on.
 *
 *   const pgLink = await postgresFaultProxy();
 *   const gantry = await startGantry({ postgresPort: pgLink.port });
 *   await pgLink.cut(); ... await pgLink.heal();
 */
export interface FaultProxy {
  /** The loopback port to connect to instead of the target's. */
  port: number;
  /** `http://127.0.0.1:<port>` (for an upstream Gantry). */
  url: string;
  /** Connections open through the proxy now. */
  connections(): number;
  cut(): Promise<void>;
  blackhole(): void;
  delay(ms: number): void;
  heal(): Promise<void>;
  /** Stops listening and resets every connection. Safe to call twice. */
  close(): Promise<void>;
}

type Mode = 'forward' | 'cut' | 'blackhole';

interface Link {
  client: net.Socket;
  upstream: net.Socket;
  /** Set once bytes were dropped on this link: it cannot carry its protocol any further. */
  broken: boolean;
}

export async function faultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  const links = new Set<Link>();
  let mode: Mode = 'forward';
  let delayMs = 0;
  let closed = false;

  /**
   * One direction of a link; reads the mode per chunk so a fault applies to open connections too.
   * Delayed chunks wait in a FIFO with non-decreasing due times, so order survives any delay change.
   */
  const relay = (link: Link, from: net.Socket, to: net.Socket) => {
    /** `null` is the sender's close, passed on after what it sent before. */
    const queue: { due: number; chunk: Buffer | null }[] = [];
    let timer: NodeJS.Timeout | undefined;
    let lastDue = 0;
    const deliver = (chunk: Buffer | null) => {
      if (chunk === null) end(link);
      else if (!to.destroyed) to.write(chunk);
    };
    const pump = () => {
      timer = undefined;
      const now = Date.now();
      while (queue.length && queue[0].due <= now) deliver(queue.shift()!.chunk);
      if (queue.length) timer = setTimeout(pump, queue[0].due - now);
    };
    const send = (chunk: Buffer | null) => {
      const now = Date.now();
      if (!queue.length && delayMs === 0) return deliver(chunk);
      lastDue = Math.max(now + delayMs, lastDue);
      queue.push({ due: lastDue, chunk });
      timer ??= setTimeout(pump, Math.max(0, queue[0].due - now));
    };
    from.on('data', (chunk: Buffer) => {
      if (mode === 'blackhole' || link.broken) {
        link.broken = true;
        return;
      }
      send(chunk);
    });
    from.on('close', () => send(null));
  };

  const end = (link: Link) => {
    links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  };

  const onConnection = (client: net.Socket) => {
    const upstream = net.connect(targetPort, targetHost);
    const link: Link = { client, upstream, broken: false };
    links.add(link);
    for (const s of [client, upstream]) s.on('error', () => s.destroy());
    relay(link, client, upstream);
    relay(link, upstream, client);
  };

  const listen = (server: net.Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const closeServer = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));
  const resetAll = (which: (link: Link) => boolean) => {
    for (const link of links) {
      if (!which(link)) continue;
      // A reset only where the client still has a live connection: one its peer already closed
      // (a killed process) is simply destroyed (resetting those was seen to leave the runner busy).
      if (link.client.readableEnded || link.client.destroyed) link.client.destroy();
      else link.client.resetAndDestroy();
      link.upstream.destroy();
      links.delete(link);
    }
  };

  let server = net.createServer(onConnection);
  await listen(server, 0);
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => links.size,
    cut: async () => {
      if (mode === 'cut' || closed) return;
      mode = 'cut';
      resetAll(() => true);
      await closeServer(server);
    },
    blackhole: () => {
      if (mode === 'forward') mode = 'blackhole';
    },
    delay: (ms: number) => {
      delayMs = ms;
    },
    heal: async () => {
      delayMs = 0;
      if (closed) return;
      if (mode === 'cut') {
        server = net.createServer(onConnection);
        await listen(server, port);
      }
      mode = 'forward';
      resetAll((link) => link.broken);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      resetAll(() => true);
      if (mode !== 'cut') await closeServer(server);
      mode = 'cut';
    },
  };
}

/** A fault proxy in front of the PostgreSQL server the harness's test databases live on (GANTRY_TEST_PG_SERVER_URL). */
export const postgresFaultProxy = (): Promise<FaultProxy> => proxyTo(testServerUrl(), 5432);

/** A fault proxy in front of the tests' Redis (GANTRY_TEST_REDIS_URL). */
export const redisFaultProxy = (): Promise<FaultProxy> =>
  proxyTo(process.env.GANTRY_TEST_REDIS_URL ?? DEFAULT_TEST_REDIS_URL, 6379);

function proxyTo(url: string, defaultPort: number): Promise<FaultProxy> {
  const u = new URL(url);
  return faultProxy(Number(u.port || defaultPort), u.hostname.replace(/^\[(.*)\]$/, '$1'));
}
