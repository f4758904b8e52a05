import { Field, InputType } from '@nestjs/graphql';
import { CreateScheduledChangeDto } from './scheduled-changes.dto';
import { GraphQLJSON } from '../../graphql/json.scalar';
import { OptionalField } from '../../graphql/optional-field';

@InputType('CreateScheduledChangeInput')
export class CreateScheduledChangeInput extends CreateScheduledChangeDto {
  @Field(() => [GraphQLJSON], { description: 'semantic-patch instructions for this environment' })
  override instructions: unknown[];
  @Field({ description: 'ISO 8601, in the future' }) override executionDate: string;
  @OptionalField(() => String) override comment?: string;
}
