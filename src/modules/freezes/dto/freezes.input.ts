import { Field, InputType, Int } from '@nestjs/graphql';
import { OptionalField } from '../../graphql/optional-field';
import { CreateFreezeDto } from './freezes.dto';

@InputType('CreateFreezeInput')
export class CreateFreezeInput extends CreateFreezeDto {
  @Field() override name: string;
  @OptionalField(() => String) override reason?: string;
  @OptionalField(() => [String], { description: 'omitted = every environment, including ones created later' })
  override environmentKeys?: string[];
  @OptionalField(() => String, { description: 'one-off window: ISO 8601 start' }) override from?: string;
  @OptionalField(() => String, { description: 'one-off window: ISO 8601 end' }) override to?: string;
  @OptionalField(() => String, { description: 'recurring window: 5-field cron expression' }) override cron?: string;
  @OptionalField(() => Int, { description: 'recurring window: minutes, 1..10080' }) override durationMinutes?: number;
  @OptionalField(() => String, { description: 'recurring window: IANA time zone' }) override timeZone?: string;
}
