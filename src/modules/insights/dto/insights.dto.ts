import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601 } from 'class-validator';
import { IsOmittable } from '../../../infra/http/validators';

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;

export class InsightsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'start (inclusive); default: 24 periods before `to`' })
  @IsOmittable()
  @IsISO8601({ strict: true })
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'end (exclusive); default now' })
  @IsOmittable()
  @IsISO8601({ strict: true })
  to?: string;
  @ApiPropertyOptional({ enum: GRANULARITIES, description: 'period of each point (UTC); default hour' })
  @IsOmittable()
  @IsIn(GRANULARITIES)
  granularity?: (typeof GRANULARITIES)[number];
}

export class InsightsVariationDto {
  @ApiProperty({ type: 'integer', description: "index in the flag's variations; -1: no variation (the SDK's default)" })
  index: number;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ description: 'the value (null for -1)' }) value: unknown;
}

export class InsightsCountDto {
  @ApiProperty({ type: 'integer' }) variation: number;
  @ApiProperty({ type: 'integer' }) count: number;
}

export class InsightsPointDto {
  @ApiProperty({ format: 'date-time', description: 'start of the period' }) at: string;
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: [InsightsCountDto], description: 'per variation served (only those with evaluations)' })
  counts: InsightsCountDto[];
}

export class InsightsSdkDto {
  @ApiProperty({ description: 'the User-Agent product token (ofrep: prefix for OFREP callers)' }) sdk: string;
  @ApiProperty({ type: 'integer' }) count: number;
  @ApiProperty({ format: 'date-time' }) lastSeenAt: string;
}

export class FlagInsightsDto {
  @ApiProperty({ enum: GRANULARITIES }) granularity: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'the last evaluation counted in this environment (within GANTRY_INSIGHTS_DAILY_RETENTION_DAYS)',
  })
  lastEvaluatedAt: string | null;
  @ApiProperty({ type: 'integer', description: 'evaluations in [from, to)' }) total: number;
  @ApiProperty({ type: [InsightsVariationDto] }) variations: InsightsVariationDto[];
  @ApiProperty({ type: [InsightsPointDto], description: 'every period in [from, to), oldest first (zeros included)' })
  series: InsightsPointDto[];
  @ApiProperty({ type: [InsightsSdkDto], description: 'which SDKs evaluated it in [from, to), most first' })
  sdks: InsightsSdkDto[];
}
