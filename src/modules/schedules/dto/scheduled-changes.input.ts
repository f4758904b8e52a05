import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength } from 'class-validator';
import { IsOmittable } from '../../../infra/http/validators';
import { CreateScheduledChangeDto } from './scheduled-changes.dto';
import { GraphQLJSON } from '../../graphql/json.scalar';
import { OptionalField } from '../../graphql/optional-field';

@InputType('CreateScheduledChangeInput')
export class CreateScheduledChangeInput extends CreateScheduledChangeDto {
  @Field(() => [GraphQLJSON], { description: 'semantic-patch instructions for this environment' })
  override instructions: unknown[];
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
