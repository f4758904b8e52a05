import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { IsOmittable } from '../../../infra/http/validators';
import { CreateScheduledChangeDto } from './scheduled-changes.dto';
import { OptionalField } from '../../graphql/optional-field';
import { DeprecatedInstructionsField, TypedInstructionsField } from '../../graphql/instruction-inputs';

@InputType('CreateScheduledChangeInput')
export class CreateScheduledChangeInput extends CreateScheduledChangeDto {
  /** Undefined when typedInstructions is given (chosenInstructions picks one). */
  @DeprecatedInstructionsField('semantic-patch instructions for this environment, as JSON')
  override instructions: unknown[];
  @TypedInstructionsField('Flag', 'semantic-patch instructions for this environment')
  typedInstructions?: unknown[];
  @Field({ description: 'ISO 8601, in the future' }) override executionDate: string;
  @OptionalField(() => String) override comment?: string;
  @OptionalField(() => String, {
    description: 'break-glass: schedule past a required approval with this reason (X-Gantry-Bypass-Reason)',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(1000)
  bypassReason?: string;
}
