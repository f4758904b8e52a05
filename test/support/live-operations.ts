/**
 * Builds the real application in this process (createApp, as src/main.ts does, over the database
 * and Redis named by DATABASE_URL, REDIS_URL and GANTRY_REDIS_PREFIX) and writes what it serves to
 * the JSON file named by the first argument: every route the live Fastify router registered, the
 * GraphQL schema's Mutation fields, and the job names (the worker's handlers and JOBS_BY_QUEUE).
 * test/integration/mutation-registry.spec.ts compares them with src/core/policy/mutation-registry.ts.
 *
 *   node -r test/support/ts-register-cached.js test/support/live-operations.ts out.json
 *
 * A process of its own because NestJS 12 is ES modules only, which jest's CommonJS runtime cannot
 * load on Node 20. Routes are collected by an `onRoute` hook added before Nest registers any, so
 * nothing registered on the instance escapes it; the probe route proves that on every run.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/infra/config/config';
import { createRootLogger } from '../../src/infra/logging/logger';
import { JOBS_BY_QUEUE } from '../../src/infra/queues/queue-names';
import { JOB_HANDLERS, type JobHandler } from '../../src/workers/job-handler';
import { PROBE_ROUTE, type LiveOperations } from './mutation-registry-check';

async function main(out: string): Promise<void> {
  const config = loadConfig({ ...process.env, GANTRY_ROLE: 'all' });
  const app = await createApp(config, createRootLogger('silent'));
  const fastify = app.getHttpAdapter().getInstance();
  const routes: { method: string; url: string }[] = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url ?? route.path });
  });
  // Registered like any Nest route, after the hook: the test expects to find it reported as missing.
  fastify.route({ method: PROBE_ROUTE.method, url: PROBE_ROUTE.url, handler: async () => ({}) });
  try {
    await app.init();
    await fastify.ready();
    const mutation = app.get(GraphQLSchemaHost).schema.getMutationType();
    const handlers = app.get<symbol, JobHandler[]>(JOB_HANDLERS, { strict: false });
    const live: LiveOperations = {
      routes,
      mutations: Object.keys(mutation?.getFields() ?? {}),
      jobs: {
        handlers: handlers.map((h) => h.job),
        declared: Object.values(JOBS_BY_QUEUE).flat(),
      },
    };
    fs.writeFileSync(out, JSON.stringify(live));
  } finally {
    await app.close();
  }
}

main(process.argv[2]).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`live-operations: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
