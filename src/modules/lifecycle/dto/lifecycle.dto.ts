import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { ARCHIVAL_MODES, LIFECYCLE_STATES, STALE_RULES } from '../../../core/lifecycle';

export class ArchivalPolicyDto {
  @ApiProperty({
    enum: ARCHIVAL_MODES,
    description:
      'off: report and notify only; change_request: after the grace period open an archival change request; ' +
      'automatic: archive where no environment requires approval, else open a change request',
  })
  mode: string;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: 3650,
    description: 'days a flag stays stale before the policy acts',
  })
  graceDays: number;
}

const DAYS = { type: 'integer', minimum: 0, maximum: 3650 } as const;

/**
 * The body of PUT .../lifecycle-settings: replaces the settings whole; omitted fields take the
 * defaults. Checked by core/lifecycle (one 400 `lifecycle/invalid_settings` listing every problem).
 */
export class PutLifecycleSettingsDto {
  @ApiPropertyOptional({ ...DAYS, default: 7, description: 'a flag is new for this many days' })
  @Allow()
  newDays?: number;
  @ApiPropertyOptional({ ...DAYS, default: 7, description: 'one variation to everyone for this many days: rolled-out' })
  @Allow()
  rolledOutDays?: number;
  @ApiPropertyOptional({
    ...DAYS,
    nullable: true,
    default: 30,
    description: 'stale rule: not evaluated for N days (null: off)',
  })
  @Allow()
  staleNotEvaluatedDays?: number | null;
  @ApiPropertyOptional({
    ...DAYS,
    nullable: true,
    default: 14,
    description: 'stale rule: rolled out for N days (null: off)',
  })
  @Allow()
  staleRolledOutDays?: number | null;
  @ApiPropertyOptional({ default: true, description: 'stale rule: a temporary flag past its planned removal date' })
  @Allow()
  stalePastRemovalDate?: boolean;
  @ApiPropertyOptional({
    default: false,
    description: 'stale rule: no code references reported (flags older than newDays)',
  })
  @Allow()
  staleNoCodeReferences?: boolean;
  @ApiPropertyOptional({ type: ArchivalPolicyDto, description: 'default {mode: off, graceDays: 7}' })
  @Allow()
  archival?: ArchivalPolicyDto;
}

export class LifecycleSettingsDto {
  @ApiProperty({ type: 'integer' }) newDays: number;
  @ApiProperty({ type: 'integer' }) rolledOutDays: number;
  @ApiProperty({ type: 'integer', nullable: true }) staleNotEvaluatedDays: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) staleRolledOutDays: number | null;
  @ApiProperty() stalePastRemovalDate: boolean;
  @ApiProperty() staleNoCodeReferences: boolean;
  @ApiProperty({ type: ArchivalPolicyDto }) archival: ArchivalPolicyDto;
  @ApiProperty({ enum: ['project', 'default'], description: 'default: the project has not set any' }) source: string;
}

export class LifecycleReasonDto {
  @ApiProperty({ enum: [...STALE_RULES, 'servingOneVariation'] }) rule: string;
  @ApiPropertyOptional({ description: 'set for reasons of one environment' }) environmentKey?: string;
  @ApiProperty() message: string;
}

export class EnvironmentLifecycleDto {
  @ApiProperty() environmentKey: string;
  @ApiProperty({ enum: LIFECYCLE_STATES }) state: string;
  @ApiProperty({ type: [LifecycleReasonDto] }) reasons: LifecycleReasonDto[];
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    description: 'null: no evaluation within the insights retention',
  })
  lastEvaluatedAt: string | null;
}

export class FlagLifecycleDto {
  @ApiProperty() flagKey: string;
  @ApiProperty({ enum: LIFECYCLE_STATES }) state: string;
  @ApiProperty({ type: [LifecycleReasonDto] }) reasons: LifecycleReasonDto[];
  @ApiProperty({ type: 'integer' }) codeReferenceCount: number;
  @ApiProperty({ type: [EnvironmentLifecycleDto] }) environments: EnvironmentLifecycleDto[];
}

export class LifecycleTotalsDto {
  @ApiProperty({ type: 'integer' }) new: number;
  @ApiProperty({ type: 'integer' }) active: number;
  @ApiProperty({ type: 'integer', name: 'rolled-out' }) 'rolled-out': number;
  @ApiProperty({ type: 'integer' }) stale: number;
  @ApiProperty({ type: 'integer' }) archived: number;
}

export class LifecycleReportDto {
  @ApiProperty({ type: [FlagLifecycleDto] }) items: FlagLifecycleDto[];
  @ApiProperty({ type: LifecycleTotalsDto, description: 'flags per overall state in the project (before the filter)' })
  totals: LifecycleTotalsDto;
}

export class LifecycleReportQueryDto {
  @ApiPropertyOptional({ enum: LIFECYCLE_STATES, description: 'only flags in this overall state' })
  @Allow()
  state?: string;
}
