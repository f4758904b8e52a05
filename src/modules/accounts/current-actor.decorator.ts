import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestOf } from './auth.guard';
import type { Actor } from './models/actor';

/** The authenticated actor, for REST handlers and GraphQL resolvers alike. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = requestOf(ctx).actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
