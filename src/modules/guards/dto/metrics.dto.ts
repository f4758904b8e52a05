import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsKey, IsName, IsOmittable } from '../../../infra/http/validators';

export const METRIC_KINDS = ['count', 'numeric'] as const;
export const METRIC_DIRECTIONS = ['higher_is_better', 'lower_is_better'] as const;

const THRESHOLD =
  'relative regression tolerated: 0.1 = the new variation may be up to 10 % worse than the old one before the guard acts';

export class CreateMetricDto {
  @IsKey('metric key: the key of the SDK custom events it counts') key: string;
  @IsName() name: string;
  @ApiPropertyOptional({ maxLength: 1024 }) @IsOmittable() @IsString() @MaxLength(1024) description?: string;
  @ApiProperty({
    enum: METRIC_KINDS,
    description:
      '`count`: share of contexts that sent the event (e.g. an error); `numeric`: mean metricValue (e.g. latency)',
  })
  @IsIn(METRIC_KINDS)
  kind: (typeof METRIC_KINDS)[number];
  @ApiProperty({ enum: METRIC_DIRECTIONS }) @IsIn(METRIC_DIRECTIONS) direction: (typeof METRIC_DIRECTIONS)[number];
  @ApiProperty({ minimum: 0, maximum: 10, description: THRESHOLD })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10)
  threshold: number;
}

export class UpdateMetricDto {
  @IsName(true) name?: string;
  @ApiPropertyOptional({ maxLength: 1024 }) @IsOmittable() @IsString() @MaxLength(1024) description?: string;
  @ApiPropertyOptional({ enum: METRIC_DIRECTIONS })
  @IsOmittable()
  @IsIn(METRIC_DIRECTIONS)
  direction?: (typeof METRIC_DIRECTIONS)[number];
  @ApiPropertyOptional({ minimum: 0, maximum: 10, description: THRESHOLD })
  @IsOmittable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10)
  threshold?: number;
}

export class MetricDto {
  @ApiProperty() key: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: METRIC_KINDS }) kind: string;
  @ApiProperty({ enum: METRIC_DIRECTIONS }) direction: string;
  @ApiProperty() threshold: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class MetricListDto {
  @ApiProperty({ type: [MetricDto] }) items: MetricDto[];
}
