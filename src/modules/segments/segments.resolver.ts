import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { KeyPipe } from '../../infra/http/key.pipe';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { chosenInstructions } from '../graphql/typed-instructions';
import { CreateSegmentInput, PatchSegmentArgs, SegmentsArgs } from './dto/segments.input';
import { SegmentModel } from './models/segment.model';
import { SegmentWriteService } from './segment-write.service';
import { SegmentsService } from './segments.service';

/** GraphQL twin of SegmentsController; segments belong to one environment. */
@Resolver(() => SegmentModel)
export class SegmentsResolver {
  constructor(
    private readonly reader: SegmentsService,
    private readonly writer: SegmentWriteService,
  ) {}

  @Query(() => [SegmentModel]) segments(@CurrentActor() a: Actor, @Args() q: SegmentsArgs) {
    return this.reader.list(a, q.projectKey, q.environmentKey, q).then((r) => r.items);
  }

  @Query(() => SegmentModel)
  segment(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('key', KeyPipe) key: string,
  ) {
    return this.reader.get(a, p, e, key);
  }

  @Mutation(() => SegmentModel)
  createSegment(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('input') input: CreateSegmentInput,
  ) {
    return this.writer.create(a, p, e, input);
  }

  @Mutation(() => SegmentModel, { description: 'semantic patch, as PATCH .../environments/{e}/segments/{s}' })
  patchSegment(@CurrentActor() a: Actor, @Args() args: PatchSegmentArgs) {
    const dto = { ...args, instructions: chosenInstructions('Segment', args) };
    return this.writer.patch(a, args.projectKey, args.environmentKey, args.segmentKey, dto, args.ifMatch);
  }

  @Mutation(() => Boolean)
  deleteSegment(
    @CurrentActor() a: Actor,
    @Args('projectKey', KeyPipe) p: string,
    @Args('environmentKey', KeyPipe) e: string,
    @Args('segmentKey', KeyPipe) s: string,
  ) {
    return this.writer.remove(a, p, e, s).then(() => true);
  }
}
