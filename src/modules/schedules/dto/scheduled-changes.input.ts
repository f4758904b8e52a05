import { Field, InputType } from '@nestjs/graphql';
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
}
