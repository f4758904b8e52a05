import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsKey } from '../../../infra/http/validators';
import {
  ClientSideAvailabilityDto,
  CreateFlagDto,
  FlagDefaultsDto,
  ListFlagsQueryDto,
  PatchFlagDto,
  VariationInputDto,
} from './flags.dto';
import { GraphQLJSON } from '../../graphql/json.scalar';
import { IfMatchField, OptionalField } from '../../graphql/optional-field';
import { DeprecatedInstructionsField, TypedInstructionsField } from '../../graphql/instruction-inputs';

@InputType('VariationInput')
export class VariationInput extends VariationInputDto {
  @Field(() => GraphQLJSON, { description: 'any JSON value except null; all variations share one type' })
  override value: string | number | boolean | object;
  @OptionalField(() => String) override name?: string;
  @OptionalField(() => String) override description?: string;
}

@InputType('FlagDefaultsInput')
export class FlagDefaultsInput extends FlagDefaultsDto {
  @Field(() => Int) override onVariation: number;
  @Field(() => Int) override offVariation: number;
}

@InputType('ClientSideAvailabilityInput')
export class ClientSideAvailabilityInput extends ClientSideAvailabilityDto {
  @Field() override usingEnvironmentId: boolean;
  @Field() override usingMobileKey: boolean;
}

@InputType('CreateFlagInput')
export class CreateFlagInput extends CreateFlagDto {
  @Field() override key: string;
  @Field() override name: string;
  @OptionalField(() => String) override description?: string;
  @OptionalField(() => [VariationInput], { description: 'omit for a boolean flag (true, false)' })
  @Type(() => VariationInput)
  override variations?: VariationInput[];
  @OptionalField(() => FlagDefaultsInput) @Type(() => FlagDefaultsInput) override defaults?: FlagDefaultsInput;
  @OptionalField(() => [String]) override tags?: string[];
  @OptionalField(() => Boolean, { description: 'default true' }) override temporary?: boolean;
  @OptionalField(() => ClientSideAvailabilityInput)
  @Type(() => ClientSideAvailabilityInput)
  override clientSideAvailability?: ClientSideAvailabilityInput;
  @OptionalField(() => String, { description: 'the member responsible for the flag (member id)' })
  override maintainerId?: string;
  @OptionalField(() => String, { description: 'ISO-8601 date a temporary flag is planned to be removed by' })
  override plannedRemovalDate?: string;
}

/** `flags(...)`: the REST list query plus the project key that REST has in the path. */
@ArgsType()
export class FlagsArgs extends ListFlagsQueryDto {
  @IsKey('project key') @Field() projectKey: string;
  @OptionalField(() => Boolean) override archived?: boolean;
  @OptionalField(() => String) override tag?: string;
  @OptionalField(() => String, { description: 'substring of the key' }) override query?: string;
  @OptionalField(() => Int, { description: 'default 50, at most 200' }) override limit?: number;
  @OptionalField(() => Int, { description: 'default 0' }) override offset?: number;
}

/** `patchFlag(...)`: the REST body (semantic-patch instructions) plus the path keys and If-Match. */
@ArgsType()
export class PatchFlagArgs extends PatchFlagDto {
  @IsKey('project key') @Field() projectKey: string;
  @IsKey('flag key') @Field() flagKey: string;
  @OptionalField(() => String, { description: 'environment the environment-level instructions apply to' })
  override environmentKey?: string;
  /** Undefined when typedInstructions is given (chosenInstructions picks one). */
  @DeprecatedInstructionsField('semantic patch instructions as JSON, e.g. { kind: "turnFlagOn" }')
  override instructions: unknown[];
  @TypedInstructionsField('Flag', 'semantic patch instructions, e.g. { turnFlagOn: true }; applied in order')
  typedInstructions?: unknown[];
  @OptionalField(() => String) override comment?: string;
  @IsOptional() @IsString() @MaxLength(32) @IfMatchField() ifMatch?: string;
}
