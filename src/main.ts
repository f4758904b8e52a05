import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createApp } from './app.factory';
import { AppModule } from './app.module';
import { EdgeAppModule } from './modules/edge/edge.module';
import { ConfigError, loadConfig } from './infra/config/config';
import { createRootLogger, PinoNestLogger } from './infra/logging/logger';
import { redactUrl } from './infra/prisma/database-url';
import { deployMigrations, ensureDatabase } from './infra/prisma/migrate';
import { OwnerBootstrapService } from './modules/accounts/owner-bootstrap.service';
import { HealthService } from './modules/health/health.service';
import { startOpsServer } from './modules/health/ops-server';
import { startTracing } from './infra/tracing/tracing';

/**
 * One binary. GANTRY_ROLE=all (default) serves the API and runs the workers in one process;
 * `api` and `worker` split them so each can be scaled on its own.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`gantry: invalid configuration: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // Before anything that may start a span; a no-op unless the OTEL_* variables configure an exporter.
  await startTracing(config.tracing);
  const logger = createRootLogger(config.logLevel);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

  if (config.role === 'edge') {
    // No database, no Redis: everything comes from the upstream's relay feed.
    const app = await createApp(config, logger, EdgeAppModule.forRoot(config, logger));
    await app.listen(config.port, config.host);
    logger.info(
      { role: config.role, upstream: config.edge?.upstreamUrl, url: `http://${config.host}:${config.port}` },
      'gantry edge ready (serving once its feed is in sync: /health/ready)',
    );
    return;
  }

  // Database created if missing and migrations applied before anything touches it (advisory-locked,
  // so several processes starting together are safe).
  if (await ensureDatabase(config.databaseUrl))
    logger.info({ database: redactUrl(config.databaseUrl) }, 'created database');
  const applied = await deployMigrations(config.databaseUrl, { log: (m) => logger.debug(m) });
  if (applied.length) logger.info({ applied }, 'applied migrations');

  if (config.role === 'worker') {
    const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(config, logger), {
      logger: new PinoNestLogger(logger),
    });
    ctx.enableShutdownHooks();
    const ops = await startOpsServer(ctx.get(HealthService), config.port, config.host);
    process.once('SIGTERM', () => void ops.close());
    logger.info(
      { role: config.role, url: `http://${config.host}:${config.port}/health/ready` },
      'gantry worker started',
    );
    return;
  }
  const app = await createApp(config, logger);
  await app.get(OwnerBootstrapService).ensureOwnerToken();
  await app.listen(config.port, config.host);
  logger.info({ role: config.role, url: `http://${config.host}:${config.port}` }, 'gantry ready');
}

main().catch((err) => {
  process.stderr.write(`gantry: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
