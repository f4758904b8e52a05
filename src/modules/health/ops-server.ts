import Fastify, { type FastifyInstance } from 'fastify';
import type { HealthService } from './health.service';

/**
 * A worker-only process serves no API, but an operator still needs its health and metrics: this
 * small server exposes exactly /health/live, /health/ready and /metrics, and nothing else.
 */
export async function startOpsServer(health: HealthService, port: number, host: string): Promise<FastifyInstance> {
  const server = Fastify({ logger: false });
  server.get('/health/live', () => ({ status: 'ok' }));
  server.get('/health/ready', async (_req, reply) => {
    const r = await health.readiness();
    return reply.status(r.ready ? 200 : 503).send(r);
  });
  server.get('/metrics', async (_req, reply) =>
    reply.type('text/plain; version=0.0.4').send(await health.metricsText()),
  );
  await server.listen({ port, host });
  return server;
}
