import { Field, Int, ObjectType } from '@nestjs/graphql';

/** The release plan phase that opened a change request or started a release (REST's PhaseOriginDto). */
@ObjectType('PhaseOrigin')
export class PhaseOriginModel {
  @Field({ description: 'the release plan run' }) pipelineRun: string;
  @Field(() => Int, { description: "the run's phase, from 0" }) phase: number;
}
