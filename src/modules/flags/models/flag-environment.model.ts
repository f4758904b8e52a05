import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { FlagEnvironmentConfig } from '../../../core/model/flag-config';
import { ClauseModel } from './clause.model';

@ObjectType('WeightedVariation')
export class WeightedVariationModel {
  @Field(() => Int, { description: 'index into the flag variations' }) variation: number;
  @Field(() => Int, { description: 'thousandths of a percent, 0..100000' }) weight: number;
  @Field(() => Boolean, { nullable: true }) untracked?: boolean;
}

@ObjectType('Rollout')
export class RolloutModel {
  @Field(() => [WeightedVariationModel]) variations: WeightedVariationModel[];
  @Field(() => String, { nullable: true }) bucketBy?: string;
  @Field(() => String, { nullable: true }) contextKind?: string;
  @Field(() => String, { nullable: true }) kind?: string;
  @Field(() => Int, { nullable: true }) seed?: number;
}

/** Exactly one of `variation` or `rollout` is set. */
@ObjectType('VariationOrRollout')
export class VariationOrRolloutModel {
  @Field(() => Int, { nullable: true }) variation?: number;
  @Field(() => RolloutModel, { nullable: true }) rollout?: RolloutModel;
}

@ObjectType('Target')
export class TargetModel {
  @Field(() => Int) variation: number;
  @Field(() => [String]) values: string[];
  @Field(() => String, { nullable: true }) contextKind?: string;
}

@ObjectType('Rule')
export class RuleModel {
  @Field() _id: string;
  @Field(() => [ClauseModel]) clauses: ClauseModel[];
  @Field(() => String, { nullable: true }) description?: string;
  @Field() trackEvents: boolean;
  @Field(() => Int, { nullable: true }) variation?: number;
  @Field(() => RolloutModel, { nullable: true }) rollout?: RolloutModel;
}

/** `flag` is resolved through the request's flag loader (see graphql/flag.loader.ts). */
@ObjectType('Prerequisite')
export class PrerequisiteModel {
  @Field() key: string;
  @Field(() => Int) variation: number;
  projectKey: string;
}

/** One environment's targeting of a flag (REST: `flag.environments[environmentKey]`). */
@ObjectType('FlagEnvironment')
export class FlagEnvironmentModel {
  @Field() environmentKey: string;
  @Field() on: boolean;
  @Field(() => Int, { nullable: true }) offVariation: number | null;
  @Field(() => Int, { description: 'increments on every write to this environment; the If-Match value' })
  version: number;
  @Field() salt: string;
  @Field() trackEvents: boolean;
  @Field() trackEventsFallthrough: boolean;
  @Field(() => VariationOrRolloutModel) fallthrough: VariationOrRolloutModel;
  @Field(() => [TargetModel]) targets: TargetModel[];
  @Field(() => [TargetModel]) contextTargets: TargetModel[];
  @Field(() => [RuleModel]) rules: RuleModel[];
  @Field(() => [PrerequisiteModel]) prerequisites: PrerequisiteModel[];
}

/** The REST map `{ [environmentKey]: config }` as a list; prerequisites remember their project for the loader. */
export const flagEnvironmentList = (
  projectKey: string,
  envs: Record<string, FlagEnvironmentConfig>,
): FlagEnvironmentModel[] =>
  Object.entries(envs).map(([environmentKey, c]) => ({
    ...c,
    environmentKey,
    prerequisites: c.prerequisites.map((p) => ({ ...p, projectKey })),
  }));
