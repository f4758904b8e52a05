import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyReply } from 'fastify';
import type { AuthedRequest } from '../accounts/auth.guard';
import { gantryErrorFormatter } from './error-formatter';
import { FlagLoaderFactory } from './flag.loader';
import type { GqlContext } from './graphql-context';
import { GraphqlLoadersModule } from './graphql-loaders.module';

/**
 * GraphQL at /graphql (code-first, Mercurius on the same Fastify instance), thin over the REST
 * services. The resolvers live in their domain modules; this module owns the transport: the
 * per-request context (the Fastify request for the auth guard, fresh data loaders) and the error
 * format (`extensions.code` on every error).
 */
@Module({
  imports: [
    GraphQLModule.forRootAsync<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      imports: [GraphqlLoadersModule],
      inject: [FlagLoaderFactory],
      useFactory: (flags: FlagLoaderFactory): MercuriusDriverConfig => ({
        autoSchemaFile: true,
        sortSchema: true,
        graphiql: false,
        path: '/graphql',
        // Field resolvers (Flag.environments, Prerequisite.flag) get the ProblemFilter too, so their
        // domain errors carry the same codes as root fields'.
        fieldResolverEnhancers: ['filters'],
        context: (req: AuthedRequest, reply: FastifyReply): GqlContext => ({
          req,
          reply,
          loaders: { flags: flags.create(req) },
        }),
        errorFormatter: gantryErrorFormatter,
      }),
    }),
  ],
})
export class GraphqlModule {}
