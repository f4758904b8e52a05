import {
  ApprovalBypassDto,
  ApprovalBypassedField,
  BreakGlassDto,
  BypassField,
} from '../../../infra/http/break-glass.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import { APPROVAL_CONDITIONS, MIN_APPROVALS_MAX, type ApprovalCondition } from '../../../core/approval';
import { IsKeyList, IsOmittable, IsTags } from '../../../infra/http/validators';

/**
 * PUT body of approval settings (environment or project defaults). Omitted fields keep their
 * current value, so a client can change one setting without restating the others.
 */
export class ApprovalSettingsDto {
  @ApiPropertyOptional({
    description: 'changes here need an approved change request (default: the environment is critical)',
  })
  @IsOmittable()
  @IsBoolean()
  required?: boolean;
  @ApiPropertyOptional({ minimum: 1, maximum: MIN_APPROVALS_MAX, default: 1 })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(MIN_APPROVALS_MAX)
  minApprovals?: number;
  @ApiPropertyOptional({ default: false }) @IsOmittable() @IsBoolean() canReviewOwnRequest?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOmittable() @IsBoolean() canApplyDeclinedChanges?: boolean;
  @IsTags() requiredApprovalTags?: string[];
  @IsKeyList('only members of these teams may review (empty: anyone allowed reviewChangeRequest)')
  reviewerTeams?: string[];
  @ApiPropertyOptional({ default: false, description: 'apply as soon as the last needed approval arrives' })
  @IsOmittable()
  @IsBoolean()
  autoApplyOnApproval?: boolean;
  @ApiPropertyOptional({ default: false }) @IsOmittable() @IsBoolean() serviceTokensCanReview?: boolean;
  @ApiPropertyOptional({
    type: [String],
    enum: APPROVAL_CONDITIONS,
    default: ['anyChange'],
    description: 'which changes need approval; any matching condition is enough',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(APPROVAL_CONDITIONS.length)
  @IsIn(APPROVAL_CONDITIONS, { each: true })
  conditions?: ApprovalCondition[];
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 100000,
    default: 0,
    description: "rolloutIncrease: a rise of any variation's share by more than this many thousandths of a percent",
  })
  @IsOmittable()
  @IsInt()
  @Min(0)
  @Max(100000)
  rolloutIncreaseThreshold?: number;
  @BypassField() bypass?: BreakGlassDto;
}

export class ApprovalSettingsViewDto {
  @ApiProperty() required: boolean;
  @ApiProperty() minApprovals: number;
  @ApiProperty() canReviewOwnRequest: boolean;
  @ApiProperty() canApplyDeclinedChanges: boolean;
  @ApiProperty({ type: [String] }) requiredApprovalTags: string[];
  @ApiProperty({ type: [String] }) reviewerTeams: string[];
  @ApiProperty() autoApplyOnApproval: boolean;
  @ApiProperty() serviceTokensCanReview: boolean;
  @ApiProperty({ type: [String], enum: APPROVAL_CONDITIONS }) conditions: string[];
  @ApiProperty() rolloutIncreaseThreshold: number;
  @ApiProperty({ enum: ['environment', 'project', 'default'], description: 'where the settings in force come from' })
  source: string;
  @ApprovalBypassedField() approvalBypassed?: ApprovalBypassDto[];
}
