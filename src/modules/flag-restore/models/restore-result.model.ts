import { ArgsType, Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsInt, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsKey, IsOmittable } from '../../../infra/http/validators';
import { ChangeRequestModel, ConfigChangeModel } from '../../approvals/models/change-request.model';
import { FlagModel } from '../../flags/models/flag.model';
import { GraphQLJSON } from '../../graphql/json.scalar';
import { OptionalField } from '../../graphql/optional-field';
import { RestoreFlagVersionDto } from '../dto/restore.dto';

@InputType('RestoreFlagVersionInput')
export class RestoreFlagVersionInput extends RestoreFlagVersionDto {
  @OptionalField(() => Boolean, { description: 'only compute the instructions and the diff; write nothing' })
  override dryRun?: boolean;
  @OptionalField(() => String, { description: 'default "restore to version {v}"' }) override comment?: string;
  @OptionalField(() => String, {
    description: 'break-glass: write past a required approval with this reason (needs bypassRequiredApproval)',
  })
  @IsOmittable()
  @IsString()
  @MaxLength(1000)
  bypassReason?: string;
}

/** `restoreFlagVersion(...)`: the REST path parameters, and the body as `input`. */
@ArgsType()
export class RestoreFlagVersionArgs {
  @IsKey('project key') @Field() projectKey: string;
  @IsKey('flag key') @Field() flagKey: string;
  @IsKey('environment key') @Field() environmentKey: string;
  @IsInt() @Field(() => Int) version: number;
  @OptionalField(() => RestoreFlagVersionInput)
  @ValidateNested()
  @Type(() => RestoreFlagVersionInput)
  input?: RestoreFlagVersionInput;
}

@ObjectType('RestoreResult')
export class RestoreResultModel {
  @Field({ description: 'dryRun | committed | pending (a change request was opened) | unchanged' }) status: string;
  @Field(() => Int, { description: 'the version restored' }) version: number;
  @Field(() => Int) baseVersion: number;
  @Field(() => [GraphQLJSON]) instructions: unknown[];
  @Field(() => [ConfigChangeModel]) diff: ConfigChangeModel[];
  @Field(() => [String]) approvalReasons: string[];
  @Field(() => FlagModel, { nullable: true }) flag?: FlagModel;
  @Field(() => ChangeRequestModel, { nullable: true }) changeRequest?: ChangeRequestModel;
}
