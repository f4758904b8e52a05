import { InputType } from '@nestjs/graphql';
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
  @OptionalField(() => String, {
    description: 'ISO 8601, in the future; for a recurring schedule (cron, timeZone) when it starts',
  })
  override executionDate?: string;
  @OptionalField(() => String, { description: 'a recurring schedule: five-field cron, wall-clock in timeZone' })
  override cron?: string;
  @OptionalField(() => String, { description: 'the IANA time zone of cron (required with it)' })
  override timeZone?: string;
  @OptionalField(() => String) override comment?: string;
  @OptionalField(() => String, {
    description: 'break-glass: schedule past a required approval with this reason (X-Gantry-Bypass-Reason)',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(1000)
  bypassReason?: string;
}
