import { DynamicModule, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { gantryErrorFormatter } from './error-formatter';
import { queryComplexityHook, type QueryLimits } from './query-complexity';
import type { GqlContext, GqlLoaderFactory, GqlLoaders } from './graphql-context';

export interface GraphqlModuleOptions {
  /** Modules that provide the loader factories. */
  imports: NonNullable<ModuleMetadata['imports']>;
  /** One factory per loader the domains declared on GqlLoaders. */
  loaders: { [K in keyof GqlLoaders]: Type<GqlLoaderFactory<GqlLoaders[K]>> };
  /** Depth, alias and cost limits checked before a query is validated further or executed. */
  limits: QueryLimits;
}

/**
 * GraphQL at /graphql (code-first, Mercurius on the same Fastify instance), thin over the REST
 * services. The resolvers live in their domain modules; this module owns the transport: the
 * per-request context (the Fastify request for the auth guard, fresh data loaders) and the error
 * format (`extensions.code` on every error) and the query limits (query-complexity.ts). The application passes the loader factories in, so
 * the transport depends on no domain.
 */
@Module({})
export class GraphqlModule {
  static forRoot(options: GraphqlModuleOptions): DynamicModule {
    const names = Object.keys(options.loaders) as (keyof GqlLoaders)[];
    const complexity = queryComplexityHook(options.limits);
    return {
      module: GraphqlModule,
      imports: [
        GraphQLModule.forRootAsync<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          imports: options.imports,
          inject: names.map((name) => options.loaders[name]),
          useFactory: (...factories: GqlLoaderFactory<unknown>[]): MercuriusDriverConfig => ({
            autoSchemaFile: true,
            sortSchema: true,
            graphiql: false,
            path: '/graphql',
            // Field resolvers (Flag.environments, Prerequisite.flag) get the ProblemFilter too, so their
            // domain errors carry the same codes as root fields'.
            fieldResolverEnhancers: ['filters'],
            context: (req: FastifyRequest, reply: FastifyReply): GqlContext => {
              const loaders = {} as Record<keyof GqlLoaders, unknown>;
              names.forEach((name, i) => (loaders[name] = factories[i].create(req)));
              return { req, reply, loaders: loaders as GqlLoaders };
            },
            errorFormatter: gantryErrorFormatter,
            hooks: { preValidation: (schema, document) => complexity(schema, document) },
          }),
        }),
      ],
    };
  }
}
