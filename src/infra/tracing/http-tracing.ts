import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ATTR_SDK_ROUTE } from './spans';
import { startSpan, tracingEnabled, withRequestSpan } from './tracing';

// Semantic-convention names (stable HTTP conventions), spelled out: the package's index is large to load.
const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
const ATTR_HTTP_ROUTE = 'http.route';
const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

/** SDK-facing routes besides those marked as SDK routes (request-logging.ts): the relay feed of edge nodes. */
const SDK_FACING = /^\/(?:all|bulk|diagnostic|sdk\/|ofrep\/|relay\/)/;
/** Probes, scrapes and console assets: frequent, and nothing an operator follows a change through. */
const UNTRACED = /^\/(?:health(?:\/|$)|metrics$|ui(?:\/|$))/;

export type HttpRouteClass = 'sdk' | 'api' | 'untraced';

/** How a route is traced: SDK-facing (their own sample ratio), the rest of the API, or not at all. */
export function httpRouteClass(route: string | undefined, markedSdk: boolean): HttpRouteClass {
  if (markedSdk || (route !== undefined && SDK_FACING.test(route))) return 'sdk';
  if (route !== undefined && UNTRACED.test(route)) return 'untraced';
  return 'api';
}

/** The HTTP server span's name: method and route template (never the raw URL, which holds keys and ids). */
export const httpSpanName = (method: string, route: string | undefined): string =>
  route ? `${method} ${route}` : method;

/**
 * The HTTP server span `<METHOD> <route>` of every traced request, child of the caller's W3C
 * `traceparent` when it sends one, and active for the request's hooks and handler. Installs nothing
 * when tracing is off.
 */
export function installHttpTracing(fastify: FastifyInstance, isSdkRoute: (req: FastifyRequest) => boolean): void {
  if (!tracingEnabled()) return;
  const contexts = new WeakMap<FastifyRequest, Context>();
  fastify.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions?.url;
    const kind = httpRouteClass(route, isSdkRoute(req));
    if (kind === 'untraced') {
      done();
      return;
    }
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = startSpan(httpSpanName(req.method, route), {
      parent,
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: req.method,
        ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
        'gantry.request_id': req.id,
        ...(kind === 'sdk' ? { [ATTR_SDK_ROUTE]: true } : {}),
      },
    });
    const ctx = withRequestSpan(parent, span);
    contexts.set(req, ctx);
    context.with(ctx, done);
  });
  // The body is read between onRequest and the handler; enter the request's context again so the
  // handler's spans are its children whatever async path the body took.
  fastify.addHook('preHandler', (req, _reply, done) => {
    const ctx = contexts.get(req);
    if (ctx) context.with(ctx, done);
    else done();
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    const ctx = contexts.get(req);
    const span = ctx && trace.getSpan(ctx);
    if (span) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      contexts.delete(req);
    }
    done();
  });
}
