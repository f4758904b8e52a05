import { LogController, type FastifyReply, type FastifyRequest, type RouteShorthandOptions } from 'fastify';

/** Route config flag of the SDK routes (OFREP, the LaunchDarkly SDK protocol). */
const SDK_ROUTE = 'gantrySdkRoute';

export const SDK_ROUTE_CONFIG = { [SDK_ROUTE]: true } as const;

/** Marks a plain Fastify route as an SDK route (Nest routes use `@RouteConfig(SDK_ROUTE_CONFIG)`). */
export function markSdkRoute<T extends RouteShorthandOptions>(options: T): T {
  return { ...options, config: { ...options.config, ...SDK_ROUTE_CONFIG } };
}

export const isSdkRoute = (req: FastifyRequest): boolean =>
  (req.routeOptions?.config as unknown as Record<string, unknown> | undefined)?.[SDK_ROUTE] === true;

/**
 * Fastify's request logging, except on SDK routes: there every SDK of a fleet calls every few
 * seconds, and two info lines per successful call (incoming, completed) would be most of the log
 * volume and a measurable share of the CPU of a call that is otherwise answered from memory. An
 * SDK request that fails (4xx, 5xx, an error) is still logged, as one line that carries the
 * request's fields, since no "incoming request" line precedes it.
 */
export class GantryLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (isSdkRoute(request)) return;
    super.incomingRequest(request, reply, metadata);
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (!isSdkRoute(request)) {
      super.requestCompleted(error, request, reply, metadata);
      return;
    }
    if (error)
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else if (reply.statusCode >= 400)
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
