import type { FastifyReply } from 'fastify';
import type { AuthedRequest } from '../accounts/auth.guard';
import type { FlagLoader } from './flag.loader';

/** Request-scoped data loaders, created fresh for every GraphQL request. */
export interface GqlLoaders {
  flags: FlagLoader;
}

/**
 * The GraphQL context. `req` is the Fastify request: the auth guard and @CurrentActor() read the
 * actor from it (see `requestOf`), exactly as for REST.
 */
export interface GqlContext {
  req: AuthedRequest;
  reply: FastifyReply;
  loaders: GqlLoaders;
}
