import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsOmittable } from './validators';

/** Break-glass in a write's body (see modules/write-path/break-glass.ts). */
export class BreakGlassDto {
  @ApiProperty({
    description:
      'why this change cannot wait for review; audited, shown to the reviewers of the retroactive review that is opened',
    minLength: 1,
    maxLength: 1000,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}

/** The optional `bypass` property of a write's body. */
export const BypassField = () =>
  applyDecorators(
    ApiPropertyOptional({
      type: BreakGlassDto,
      description:
        'break-glass: write past a required approval (needs bypassRequiredApproval); same as X-Gantry-Bypass-Reason',
    }),
    IsOmittable(),
    ValidateNested(),
    Type(() => BreakGlassDto),
  );

/** One bypass a write reports (modules/write-path/bypass-ledger.ts BypassNotice). */
export class ApprovalBypassDto {
  @ApiProperty({ description: 'environment whose required approval was bypassed' }) environment: string;
  @ApiProperty({ description: 'the break-glass reason given' }) reason: string;
  @ApiProperty({ format: 'uuid', description: 'the retroactive review: a change request in state `bypassed`' })
  reviewId: string;
}

/** The `approvalBypassed` property of a write's response. */
export const ApprovalBypassedField = () =>
  ApiPropertyOptional({
    type: [ApprovalBypassDto],
    description: 'on a write that went past a required approval (break-glass); header X-Gantry-Approval-Bypassed: true',
  });
