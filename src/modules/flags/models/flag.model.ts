import { Field, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../../graphql/json.scalar';
import type { FlagView } from './flag.view';
import { FlagEnvironmentModel } from './flag-environment.model';
import { GuardrailWarningModel } from '../../guardrails/models/guardrail.model';

@ObjectType('Variation')
export class VariationModel {
  @Field({ description: 'stable id; instructions refer to variations by it' }) _id: string;
  @Field(() => GraphQLJSON, { nullable: true }) value: unknown;
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => String, { nullable: true }) description?: string;
}

@ObjectType('FlagDefaults')
export class FlagDefaultsModel {
  @Field(() => Int) onVariation: number;
  @Field(() => Int) offVariation: number;
}

@ObjectType('ClientSideAvailability')
export class ClientSideAvailabilityModel {
  @Field() usingEnvironmentId: boolean;
  @Field() usingMobileKey: boolean;
}

/** What the flag resolvers hand to GraphQL: the REST `FlagView` plus the project it belongs to. */
export type FlagInProject = FlagView & { projectKey: string };
export const inProject =
  (projectKey: string) =>
  (f: FlagView): FlagInProject => ({ ...f, projectKey });

/** GraphQL shape of the REST flag; `environments` is a list here (GraphQL has no maps). */
@ObjectType('Flag')
export class FlagModel {
  @Field() projectKey: string;
  @Field() key: string;
  @Field() name: string;
  @Field() description: string;
  @Field({ description: "'boolean' or 'multivariate'" }) kind: string;
  @Field(() => [VariationModel]) variations: VariationModel[];
  @Field(() => [String]) tags: string[];
  @Field() temporary: boolean;
  @Field() archived: boolean;
  @Field(() => Int, { description: 'flag-level version; environment configs carry their own' }) version: number;
  @Field(() => FlagDefaultsModel) defaults: FlagDefaultsModel;
  @Field(() => ClientSideAvailabilityModel) clientSideAvailability: ClientSideAvailabilityModel;
  @Field(() => [FlagEnvironmentModel]) environments: FlagEnvironmentModel[];
  @Field(() => String, { nullable: true, description: 'the maintainer (member id)' }) maintainerId?: string;
  @Field(() => String, { nullable: true, description: 'when a temporary flag is planned to be removed' })
  plannedRemovalDate?: string;
  @Field(() => [String], {
    nullable: true,
    description: 'services whose deploys concern the flag (setServices); a tag service.<name> links too',
  })
  services?: string[];
  @Field(() => [GuardrailWarningModel], {
    nullable: true,
    description: 'write results only: the guardrail warn rules the write broke (null when none)',
  })
  warnings?: GuardrailWarningModel[];
}
