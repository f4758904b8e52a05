import { Controller, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import type { HttpReplyLike, HttpRequestLike } from '../../infra/http/http-exchange';
import { sdkLaneOf } from '../../infra/http/sdk-lane';
import { reportingFailures, withoutRequestContext } from '../../infra/logging/request-context';
import { markSdkRoute } from '../../infra/logging/request-logging';
import { OfrepService } from './ofrep.service';

export const OFREP_BULK_ROUTE = '/ofrep/v1/evaluate/flags';
export const OFREP_SINGLE_ROUTE = '/ofrep/v1/evaluate/flags/:key';

/**
 * OpenFeature Remote Evaluation Protocol (conformance/ofrep/openapi.yaml), authenticated by SDK key.
 *
 * The two routes are plain Fastify routes, not Nest handlers: they are the hottest in Gantry, and
 * Nest's per-request pipeline (router, the global guard, interceptor and pipe, the rxjs around
 * them) cost more than evaluating the flags. Nothing in that pipeline applied to them anyway: they
 * are public to the access-token guard (the SDK key is checked by OfrepService, exactly as
 * before), take no DTO, and are not in OpenAPI. The Fastify hooks of app.factory.ts (request id,
 * body checks, error handler, metrics) still run, except entering the request-context
 * AsyncLocalStorage: an answer is computed from memory and logs nothing on success, and a failure
 * is logged with its request id all the same (withoutRequestContext, reportingFailures). The
 * handlers stay in OfrepService, injected here, so any role that provides OfrepService serves the
 * same routes. The SDK lane (infra/http/sdk-lane.ts) runs the same handlers for the requests it
 * can take before Fastify, and gives them what these hooks would have.
 */
@ApiExcludeController()
@Controller()
export class OfrepController implements OnModuleInit {
  private readonly logger = new Logger('http');

  constructor(
    private readonly ofrep: OfrepService,
    private readonly http: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    // An application context without HTTP (no role wires this module so today) has no routes to add.
    if (!this.http.httpAdapter) return;
    const fastify = this.http.httpAdapter.getInstance<FastifyInstance>();
    const options = withoutRequestContext(markSdkRoute({}));
    fastify.post(OFREP_BULK_ROUTE, options, this.bulk);
    fastify.post<{ Params: { key: string } }>(OFREP_SINGLE_ROUTE, options, (req, reply) =>
      this.single(req, reply, req.params.key),
    );
    // The same handlers in the SDK lane, which answers the requests it safely can before Fastify.
    const lane = sdkLaneOf(this.http.httpAdapter.getHttpServer());
    lane?.post(OFREP_BULK_ROUTE, this.bulk);
    lane?.post(OFREP_SINGLE_ROUTE, (req, reply, key) => this.single(req, reply, key!));
  }

  private readonly bulk = (req: HttpRequestLike, reply: HttpReplyLike) =>
    reportingFailures(req.id, () => this.ofrep.bulk(req, reply), this.logError);

  private readonly single = (req: HttpRequestLike, reply: HttpReplyLike, key: string) =>
    reportingFailures(req.id, () => this.ofrep.single(req, reply, key), this.logError);

  /**
   * What Nest's exception filter did for these routes: an unexpected error is logged with its
   * stack (with the request id: see reportingFailures), then rendered by the one error handler
   * (problem+json, app.factory.ts).
   */
  private readonly logError = (e: unknown): void => this.logger.error((e as Error)?.stack ?? String(e));
}
