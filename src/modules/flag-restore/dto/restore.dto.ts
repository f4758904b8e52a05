import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { IsOmittable } from '../../../infra/http/validators';
import { instructionRef } from '../../../infra/http/instruction-schemas';
import { ChangeRequestDto, ConfigChangeDto } from '../../approvals/dto/change-requests.responses';
import { FlagDto } from '../../flags/dto/flags.responses';
import { BreakGlassDto, BypassField } from '../../../infra/http/break-glass.dto';

export const RESTORE_STATUSES = ['dryRun', 'committed', 'pending', 'unchanged'] as const;

export class RestoreFlagVersionDto {
  @ApiPropertyOptional({
    default: false,
    description: 'only compute: answer the instructions and the diff, write nothing (needs no write permission)',
  })
  @IsOmittable()
  @IsBoolean()
  dryRun?: boolean;
  @ApiPropertyOptional({
    maxLength: 4096,
    description: "audit comment, or the change request's description; default `restore to version {v}`",
  })
  @IsOmittable()
  @IsString()
  @MaxLength(4096)
  comment?: string;
  @BypassField() bypass?: BreakGlassDto;
}

export class RestoreResultDto {
  @ApiProperty({
    enum: RESTORE_STATUSES,
    description:
      'dryRun: nothing written; committed: written now; pending: a change request was opened (HTTP 202); ' +
      'unchanged: the configuration already is that version',
  })
  status: string;
  @ApiProperty({ type: 'integer', description: 'the version restored' }) version: number;
  @ApiProperty({ type: 'integer', description: "the environment's version the instructions were computed against" })
  baseVersion: number;
  @ApiProperty({
    type: 'array',
    items: instructionRef('FlagEnvironmentInstruction'),
    description: 'the semantic-patch instructions of the restore',
  })
  instructions: unknown[];
  @ApiProperty({ type: [ConfigChangeDto] }) diff: ConfigChangeDto[];
  @ApiProperty({ type: [String], description: "why the environment's settings require approval (empty: they do not)" })
  approvalReasons: string[];
  @ApiPropertyOptional({ type: FlagDto, description: 'the flag after the restore (committed, unchanged)' })
  flag?: FlagDto;
  @ApiPropertyOptional({ type: ChangeRequestDto, description: 'the change request opened (pending)' })
  changeRequest?: ChangeRequestDto;
}
