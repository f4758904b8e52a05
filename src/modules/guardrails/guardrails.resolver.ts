import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { GuardrailsService } from './guardrails.service';
import { GuardrailPolicyInput, GuardrailPolicyModel } from './models/guardrail.model';

const reasonOf = (bypassReason?: string | null) => (bypassReason ? { reason: bypassReason } : undefined);

/** GraphQL twin of GuardrailsController. */
@Resolver(() => GuardrailPolicyModel)
export class GuardrailsResolver {
  constructor(private readonly guardrails: GuardrailsService) {}

  @Query(() => [GuardrailPolicyModel]) guardrailPolicies(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
  ) {
    return this.guardrails.list(a, p).then((r) => r.items);
  }

  @Mutation(() => GuardrailPolicyModel, { description: 'create or replace, as PUT .../guardrail-policies/{key}' })
  putGuardrailPolicy(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('key', KeyPipe) k: string,
    @Args('input') input: GuardrailPolicyInput,
    @Args('bypassReason', { nullable: true, description: 'break-glass reason (X-Gantry-Bypass-Reason)' })
    bypassReason?: string,
  ) {
    return this.guardrails.put(a, p, k, input, reasonOf(bypassReason));
  }

  @Mutation(() => Boolean) deleteGuardrailPolicy(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('key', KeyPipe) k: string,
    @Args('bypassReason', { nullable: true }) bypassReason?: string,
  ) {
    return this.guardrails.remove(a, p, k, reasonOf(bypassReason)).then(() => true);
  }
}
