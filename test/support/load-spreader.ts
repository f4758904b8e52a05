import net from 'node:net';

/**
 * A loopback TCP load spreader in front of several Gantry nodes, the way a load balancer sits in
 * front of a deployment: each new connection goes to the node `route()` last chose; connections
 * already open stay where they are (and end when their node dies). An SDK pointed at `url` reaches
 * whichever node is routed, so a test can send a reconnecting client elsewhere.
 *
 *   const lb = await loadSpreader(nodeA.baseUrl);
 *   const client = ldClient(lb.url, sdkKey);
 *   await nodeA.kill(); lb.route(nodeB.baseUrl);   // the SDK reconnects to B
 */
export interface LoadSpreader {
  url: string;
  /** Where new connections go from now on (a base URL or a port on loopback). */
  route(target: string | number): void;
  /** How many connections each target port has been given so far. */
  given(): Record<number, number>;
  close(): Promise<void>;
}

const portOf = (target: string | number) => (typeof target === 'number' ? target : Number(new URL(target).port));

export async function loadSpreader(initial: string | number): Promise<LoadSpreader> {
  let target = portOf(initial);
  const given: Record<number, number> = {};
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const port = target;
    given[port] = (given[port] ?? 0) + 1;
    const upstream = net.connect(port, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    route: (t) => {
      target = portOf(t);
    },
    given: () => ({ ...given }),
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
