import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { CreateEnvironmentDto, CreateProjectDto } from './projects.dto';
import { OptionalField } from '../../graphql/optional-field';

/*
 * GraphQL inputs extend the REST DTOs: the class-validator rules are inherited, not copied, so the
 * global ValidationPipe checks GraphQL arguments exactly as it checks REST bodies. Each subclass only
 * adds the GraphQL field declarations (and points nested `@Type`s at the input subclasses, so that
 * nested optional fields get the same null-as-absent reading).
 */

@InputType('CreateEnvironmentInput')
export class CreateEnvironmentInput extends CreateEnvironmentDto {
  @Field() override key: string;
  @Field() override name: string;
  @OptionalField(() => String, { description: '6 hex digits' }) override color?: string;
  @OptionalField(() => Boolean, { description: 'critical environments are protected' }) override critical?: boolean;
  @OptionalField(() => [String]) override tags?: string[];
}

@InputType('CreateProjectInput')
export class CreateProjectInput extends CreateProjectDto {
  @Field() override key: string;
  @Field() override name: string;
  @OptionalField(() => [String]) override tags?: string[];
  @OptionalField(() => [CreateEnvironmentInput], { description: 'created in the same call' })
  @Type(() => CreateEnvironmentInput)
  override environments?: CreateEnvironmentInput[];
}
