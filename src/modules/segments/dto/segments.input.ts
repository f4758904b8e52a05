import { ArgsType, Field, InputType, Int } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsKey } from '../../../infra/http/validators';
import { CreateSegmentDto, ListSegmentsQueryDto, PatchSegmentDto } from './segments.dto';
import { IfMatchField, OptionalField } from '../../graphql/optional-field';
import { DeprecatedInstructionsField, TypedInstructionsField } from '../../graphql/instruction-inputs';

@InputType('CreateSegmentInput')
export class CreateSegmentInput extends CreateSegmentDto {
  @Field() override key: string;
  @Field() override name: string;
  @OptionalField(() => String) override description?: string;
  @OptionalField(() => [String]) override tags?: string[];
  @OptionalField(() => [String], { description: 'user keys included' }) override included?: string[];
  @OptionalField(() => [String], { description: 'user keys excluded' }) override excluded?: string[];
}

@ArgsType()
export class SegmentsArgs extends ListSegmentsQueryDto {
  @IsKey('project key') @Field() projectKey: string;
  @IsKey('environment key') @Field() environmentKey: string;
  @OptionalField(() => Int, { description: 'default 50, at most 200' }) override limit?: number;
  @OptionalField(() => Int, { description: 'default 0' }) override offset?: number;
}

@ArgsType()
export class PatchSegmentArgs extends PatchSegmentDto {
  @IsKey('project key') @Field() projectKey: string;
  @IsKey('environment key') @Field() environmentKey: string;
  @IsKey('segment key') @Field() segmentKey: string;
  /** Undefined when typedInstructions is given (chosenInstructions picks one). */
  @DeprecatedInstructionsField(
    'semantic patch instructions as JSON, e.g. { kind: "addIncludedTargets", values: ["a"] }',
  )
  override instructions: unknown[];
  @TypedInstructionsField('Segment', 'semantic patch instructions, e.g. { addIncludedTargets: { values: ["a"] } }')
  typedInstructions?: unknown[];
  @OptionalField(() => String) override comment?: string;
  @IsOptional() @IsString() @MaxLength(32) @IfMatchField() ifMatch?: string;
}
