import { ApprovalBypassedInterceptor } from './infra/http/approval-bypassed.interceptor';
import 'reflect-metadata';
import { ValidationPipe, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { GantryConfig } from './infra/config/config';
import { noteProblemCode, PinoNestLogger } from './infra/logging/logger';
import { isRequestId, requestContext, runsInRequestContext } from './infra/logging/request-context';
import { GantryLogController, isSdkRoute } from './infra/logging/request-logging';
import { installHttpTracing } from './infra/tracing/http-tracing';
import { MetricsService } from './infra/metrics/metrics.service';
import { ProblemFilter } from './infra/http/problem.filter';
import { toProblem } from './infra/http/problem';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './infra/http/json-depth';
import { refuseNonJsonBody } from './infra/http/media-type';
import { isScimUrl, SCIM_CONTENT_TYPE, scimError, scimRequestLabels } from './infra/http/scim-http';
import { validationProblem } from './infra/http/validation-problem';
import { DomainError } from './core/errors';

/**
 * Builds the Nest application on Fastify with Gantry's edge: request ids in an async context,
 * body limit, problem+json for every error (including Fastify's own parse errors), the global
 * ValidationPipe, and the HTTP latency histogram.
 */
export async function createApp(
  config: GantryConfig,
  logger: Logger,
  root: DynamicModule = AppModule.forRoot(config, logger),
): Promise<NestFastifyApplication> {
  const adapter = new GantryFastifyAdapter({
    loggerInstance: logger,
    // Request logging, except successful calls on SDK routes (see GantryLogController).
    logController: new GantryLogController(),
    bodyLimit: config.bodyLimit,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return isRequestId(given) ? given : randomUUID();
    },
    // Large or deeply nested JSON is rejected by limits; prototype poisoning is refused outright.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
  });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    if (runsInRequestContext(req.routeOptions.config)) requestContext.run({ requestId: req.id }, done);
    else done();
  });
  // The HTTP server span of each request (when tracing is on), inside the request id's context.
  installHttpTracing(fastify, isSdkRoute);
  // A parsed body nested too deeply would overflow the validators' recursion (a 500): refuse it here.
  fastify.addHook('preValidation', (req, _reply, done) => {
    const unsupported = refuseNonJsonBody(req.routeOptions?.url, req.headers['content-type'], req.body);
    if (unsupported) {
      done(unsupported);
      return;
    }
    if (req.body !== undefined && exceedsJsonDepth(req.body)) {
      done(new DomainError('request/too_deep', `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`));
      return;
    }
    done();
  });
  // Errors raised by Fastify before Nest sees the request (body too large, malformed JSON).
  fastify.setErrorHandler((err, req, reply) => {
    const p = toProblem(err);
    noteProblemCode(reply, p.code);
    // OFREP clients understand only OFREP error bodies (`key` + `errorCode`), not problem+json.
    const ofrep = /^\/ofrep\/v1\/evaluate\/flags(?:\/([^/?]+))?/.exec(req.url);
    if (ofrep && p.status < 500) {
      const errorCode =
        p.code === 'request/malformed_json' || p.code === 'request/too_deep' ? 'PARSE_ERROR' : 'GENERAL';
      void reply
        .status(p.status === 413 ? 413 : 400)
        .header('content-type', 'application/json')
        .send({ ...(ofrep[1] ? { key: safeDecode(ofrep[1]) } : {}), errorCode, errorDetails: p.detail });
      return;
    }
    if (isScimUrl(req.url)) {
      void reply.status(p.status).header('content-type', SCIM_CONTENT_TYPE).send(scimError(p));
      return;
    }
    void reply.status(p.status).header('content-type', 'application/problem+json').send(p);
  });
  // SCIM clients send application/scim+json (RFC 7644 §3.1): the same JSON, parsed with the same protections.
  fastify.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );

  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
  });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: validationProblem,
    }),
  );
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalInterceptors(new ApprovalBypassedInterceptor());
  app.enableShutdownHooks();

  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (isScimUrl(req.url))
      metrics.scimRequests.inc(scimRequestLabels(req.method, req.routeOptions?.url, reply.statusCode));
    done();
  });
  return app;
}

export type GantryApp = INestApplication;

/**
 * Fastify binds an error handler to each route when the route is registered, so the handler above,
 * set first, is the one every route uses. Nest's init then installs its own on the same instance,
 * reaching no route registered before it (all of them) and making Fastify warn about the override
 * (FSTWRN004) at every start; declining it leaves one handler and no warning.
 */
class GantryFastifyAdapter extends FastifyAdapter {
  override setErrorHandler() {
    return this.getInstance();
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
