import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Int } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { AuditEntryModel } from '../audit/models/audit-entry.model';
import {
  ApplyChangeRequestArgs,
  ChangeRequestsArgs,
  CreateChangeRequestInput,
  ImpactInput,
  ReviewChangeRequestArgs,
  UpdateChangeRequestInput,
} from './dto/change-requests.input';
import { chosenRequestInstructions } from '../graphql/typed-instructions';
import { ChangeRequestActionsService } from './change-request-actions.service';
import { ChangeRequestApplyService } from './change-request-apply.service';
import { ChangeRequestImpactService } from './change-request-impact.service';
import { ChangeRequestReviewsService } from './change-request-reviews.service';
import { ChangeRequestsService } from './change-requests.service';
import {
  CallerActionsModel,
  ChangeRequestImpactModel,
  ChangeRequestModel,
  ChangeRequestPageModel,
  ConfigChangeModel,
} from './models/change-request.model';
import type { ChangeRequestView } from './models/change-request.view';

const UUID = new ParseUUIDPipe();

/** A new request's instructions: the JSON list or the typed list of its resource kind, one of them. */
function requiredInstructions(kind: 'flag' | 'segment', input: CreateChangeRequestInput): unknown[] {
  const instructions = chosenRequestInstructions(kind, input);
  if (instructions === undefined)
    throw new DomainError(
      'request/invalid',
      `input: typed${kind === 'flag' ? 'Flag' : 'Segment'}Instructions (or the deprecated instructions) is required`,
      [{ field: 'input.instructions', reason: 'is required' }],
    );
  return instructions;
}

/** GraphQL for approvers: what waits for me, what a request changes and whom it affects, and the actions. */
@Resolver(() => ChangeRequestModel)
export class ChangeRequestsResolver {
  constructor(
    private readonly requests: ChangeRequestsService,
    private readonly reviews: ChangeRequestReviewsService,
    private readonly applier: ChangeRequestApplyService,
    private readonly impacts: ChangeRequestImpactService,
    private readonly audit: AuditService,
    private readonly actions: ChangeRequestActionsService,
  ) {}

  @Query(() => [ChangeRequestModel], {
    description: 'open change requests the caller may review and has not reviewed in their current form',
  })
  myPendingReviews(@CurrentActor() a: Actor, @Args('limit', { type: () => Int, nullable: true }) limit?: number) {
    return this.requests.pendingReviews(a, limit ?? 50).then((p) => p.items);
  }

  @Query(() => ChangeRequestModel) changeRequest(@CurrentActor() a: Actor, @Args('id', UUID) id: string) {
    return this.requests.get(a, id);
  }
  @Query(() => ChangeRequestPageModel) changeRequests(@CurrentActor() a: Actor, @Args() q: ChangeRequestsArgs) {
    return this.requests.list(a, q);
  }

  @Mutation(() => ChangeRequestModel)
  createFlagChangeRequest(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('flagKey', KeyPipe) f: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('input') input: CreateChangeRequestInput,
  ) {
    return this.requests.create(a, 'flag', p, e, f, { ...input, instructions: requiredInstructions('flag', input) });
  }

  @Mutation(() => ChangeRequestModel)
  createSegmentChangeRequest(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('segmentKey', KeyPipe) s: string,
    @Args('input') input: CreateChangeRequestInput,
  ) {
    const instructions = requiredInstructions('segment', input);
    return this.requests.create(a, 'segment', p, e, s, { ...input, instructions });
  }

  @Mutation(() => ChangeRequestModel) async updateChangeRequest(
    @CurrentActor() a: Actor,
    @Args('id', UUID) id: string,
    @Args('input') input: UpdateChangeRequestInput,
  ) {
    // A typed list is typed by the request's resource kind, so the request is read first.
    const typed = input.typedFlagInstructions ?? input.typedSegmentInstructions;
    const kind = typed ? (await this.requests.get(a, id)).resourceKind : '';
    return this.requests.update(a, id, { ...input, instructions: chosenRequestInstructions(kind, input) });
  }
  @Mutation(() => ChangeRequestModel) reviewChangeRequest(
    @CurrentActor() a: Actor,
    @Args() args: ReviewChangeRequestArgs,
  ) {
    return this.reviews.review(a, args.id, args);
  }
  @Mutation(() => ChangeRequestModel) applyChangeRequest(
    @CurrentActor() a: Actor,
    @Args() args: ApplyChangeRequestArgs,
  ) {
    return this.applier.apply(a, args.id, args);
  }
  @Mutation(() => ChangeRequestModel) rebaseChangeRequest(@CurrentActor() a: Actor, @Args('id', UUID) id: string) {
    return this.requests.rebase(a, id);
  }
  @Mutation(() => ChangeRequestModel) cancelChangeRequest(@CurrentActor() a: Actor, @Args('id', UUID) id: string) {
    return this.requests.cancel(a, id);
  }

  @ResolveField(() => [ConfigChangeModel], { description: 'the configuration before and after, one line per change' })
  async diff(@CurrentActor() a: Actor, @Parent() cr: ChangeRequestView) {
    return (await this.impacts.diff(a, cr.id)).changes;
  }

  @ResolveField(() => ChangeRequestImpactModel, {
    description: 'variations before and after over the environment sample and the given contexts',
  })
  impact(
    @CurrentActor() a: Actor,
    @Parent() cr: ChangeRequestView,
    @Args('input', { nullable: true }) input?: ImpactInput,
  ) {
    return this.impacts.impact(a, cr.id, input ?? {});
  }

  @ResolveField(() => [AuditEntryModel], { description: 'audit entries linked to the request (needs viewAuditLog)' })
  auditTrail(@CurrentActor() a: Actor, @Parent() cr: ChangeRequestView) {
    return this.audit.list(a, { changeRequest: cr.id, limit: 200 }).then((p) => p.items.reverse());
  }

  @ResolveField(() => CallerActionsModel, {
    description:
      'what the caller may do now (review, comment, apply, rebase, cancel), by the checks the mutations make',
  })
  callerActions(@CurrentActor() a: Actor, @Parent() cr: ChangeRequestView) {
    return this.actions.forCaller(a, cr.id);
  }
}
