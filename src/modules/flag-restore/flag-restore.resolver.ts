import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { inProject } from '../flags/models/flag.model';
import { FlagRestoreService } from './flag-restore.service';
import { RestoreFlagVersionArgs, RestoreResultModel } from './models/restore-result.model';

/** GraphQL twin of FlagRestoreController. */
@Resolver(() => RestoreResultModel)
export class FlagRestoreResolver {
  constructor(private readonly restorer: FlagRestoreService) {}

  @Mutation(() => RestoreResultModel, {
    description:
      'POST .../flags/{f}/environments/{e}/versions/{v}/restore: restore the environment config to a kept version ' +
      '(status pending: the environment requires approval and a change request was opened)',
  })
  restoreFlagVersion(@CurrentActor() a: Actor, @Args() args: RestoreFlagVersionArgs) {
    const { bypassReason, ...dto } = args.input ?? {};
    return this.restorer
      .restore(a, args.projectKey, args.flagKey, args.environmentKey, args.version, {
        ...dto,
        ...(bypassReason ? { bypass: { reason: bypassReason } } : {}),
      })
      .then((r) => ({ ...r, flag: r.flag && inProject(args.projectKey)(r.flag) }));
  }
}
