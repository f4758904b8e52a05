import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Request-scoped data loaders, created fresh for every GraphQL request. Each domain adds its own
 * by declaration merging (see flags/flag.loader.ts), so this folder imports no domain module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface GqlLoaders {}

/** Makes one request's loader; the request carries the caller's actor, so caches never mix callers. */
export interface GqlLoaderFactory<T> {
  create(req: FastifyRequest): T;
}

/**
 * The GraphQL context. `req` is the Fastify request: the auth guard and @CurrentActor() read the
 * actor from it (see `requestOf`), exactly as for REST.
 */
export interface GqlContext {
  req: FastifyRequest;
  reply: FastifyReply;
  loaders: GqlLoaders;
}
