import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { GuardDto, StageDto, StartReleaseDto } from './releases.dto';
import { OptionalField } from '../../graphql/optional-field';
import { IsString, MaxLength } from 'class-validator';
import { IsOmittable } from '../../../infra/http/validators';

@InputType('StageInput')
export class StageInput extends StageDto {
  @Field(() => Int, { description: "the target variation's share, thousandths of a percent" }) override weight: number;
  @Field(() => Int) override durationMs: number;
}

@InputType('GuardInput')
export class GuardInput extends GuardDto {
  @Field(() => [String]) override metrics: string[];
  @OptionalField(() => String, { description: 'pause or rollback (default)' }) override onRegression?:
    'pause' | 'rollback';
  @OptionalField(() => Int) override minSamplePerArm?: number;
  @OptionalField(() => Float) override alpha?: number;
}

@InputType('StartReleaseInput')
export class StartReleaseInput extends StartReleaseDto {
  @Field() override toVariationId: string;
  @OptionalField(() => String) override ruleId?: string | null;
  @Field(() => [StageInput]) override stages: StageInput[];
  @OptionalField(() => GuardInput) override guard?: GuardInput;
  @OptionalField(() => String) override comment?: string;
  @OptionalField(() => String, {
    description: 'break-glass: start past a required approval with this reason (X-Gantry-Bypass-Reason)',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(1000)
  bypassReason?: string;
}
