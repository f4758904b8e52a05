/**
 * A small load spreader for benchmarks: a TCP proxy that hands each new connection to the next
 * target in turn (round robin per connection, as an L4 balancer does) and copies bytes both ways,
 * so keep-alive HTTP and SSE streams pass through untouched. It runs in a child process of its own
 * so that its CPU can be read apart from the nodes behind it.
 * Run directly (as startSpreader does): SPREADER_PORT and SPREADER_TARGETS (comma-separated ports).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface Spreader {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startSpreader(port: number, targets: number[]): Promise<Spreader> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename], {
    env: { ...process.env, SPREADER_PORT: String(port), SPREADER_TARGETS: targets.join(',') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise((resolve, reject) => {
    child.stdout?.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`spreader exited with code ${code}`)));
  });
  return {
    port,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

function serve(port: number, targets: number[]) {
  let next = 0;
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targets[next++ % targets.length], noDelay: true });
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side ending or failing ends both: a request half-sent to a dead node is lost, not retried.
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => process.stdout.write('ready'));
}

if (require.main === module) {
  serve(Number(process.env.SPREADER_PORT), (process.env.SPREADER_TARGETS ?? '').split(',').map(Number));
}
