import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';

/** GraphQL at /graphql (code-first, Mercurius on the same Fastify instance), thin over the REST services. */
@Module({
  imports: [
    GraphQLModule.forRoot<MercuriusDriverConfig>({
      driver: MercuriusDriver,
      autoSchemaFile: true,
      sortSchema: true,
      graphiql: false,
      path: '/graphql',
    }),
  ],
})
export class GraphqlModule {}
