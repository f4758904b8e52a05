import { ApprovalBypassedInterceptor } from './infra/http/approval-bypassed.interceptor';
import 'reflect-metadata';
import { ValidationPipe, type DynamicModule, type INestApplication } from '@nestjs/common';
import { memoizeValidationMetadata } from './infra/http/validation-metadata-memo';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { GantryConfig } from './infra/config/config';
import { PinoNestLogger } from './infra/logging/logger';
import { requestContext, requestIdFor, runsInRequestContext } from './infra/logging/request-context';
import { GantryLogController, isSdkRoute } from './infra/logging/request-logging';
import { installHttpTracing } from './infra/tracing/http-tracing';
import { tracingEnabled } from './infra/tracing/tracing';
import { MetricsService } from './infra/metrics/metrics.service';
import { ProblemFilter } from './infra/http/problem.filter';
import { replyWithError } from './infra/http/error-reply';
import { SdkLane } from './infra/http/sdk-lane';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './infra/http/json-depth';
import { refuseNonJsonBody } from './infra/http/media-type';
import { isScimUrl, scimRequestLabels } from './infra/http/scim-http';
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
  // OFREP requests are answered before Fastify when nothing in its pipeline applies (sdk-lane.ts).
  const lane = new SdkLane(config.bodyLimit);
  const adapter = new GantryFastifyAdapter({
    serverFactory: lane.serverFactory,
    loggerInstance: logger,
    // Request logging, except successful calls on SDK routes (see GantryLogController).
    logController: new GantryLogController(),
    bodyLimit: config.bodyLimit,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => requestIdFor(req.headers),
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
  fastify.setErrorHandler((err, req, reply) => replyWithError(err, req.url, reply));
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
  memoizeValidationMetadata();
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
  const observe = (method: string, route: string, status: number, seconds: number) =>
    metrics.httpDuration.observe({ method, route, status: String(status) }, seconds);
  fastify.addHook('onResponse', (req, reply, done) => {
    observe(req.method, req.routeOptions?.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    if (isScimUrl(req.url))
      metrics.scimRequests.inc(scimRequestLabels(req.method, req.routeOptions?.url, reply.statusCode));
    done();
  });
  lane.attach(fastify, {
    logger,
    parseJson: fastify.getDefaultJsonParser('error', 'error'),
    // With tracing on, SDK requests get their server spans from the Fastify hooks.
    open: () => !tracingEnabled(),
    observe: (method, route, status, seconds) => {
      observe(method, route, status, seconds);
      metrics.sdkLaneRequests.inc();
    },
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
