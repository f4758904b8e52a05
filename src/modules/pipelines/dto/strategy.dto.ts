import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, ValidateNested } from 'class-validator';
import { IsOmittable } from '../../../infra/http/validators';
import { GuardDto, StageDto } from '../../releases/dto/releases.dto';

export const STRATEGY_KINDS = ['immediate', 'staged', 'guarded'] as const;

export class StrategyDto {
  @ApiProperty({ enum: STRATEGY_KINDS }) @IsIn(STRATEGY_KINDS) kind: (typeof STRATEGY_KINDS)[number];
  @ApiPropertyOptional({ type: [StageDto], description: 'staged and guarded: the stages, as for a release' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => StageDto)
  stages?: StageDto[];
  @ApiPropertyOptional({ type: GuardDto, description: 'guarded: the metrics and what to do on a regression' })
  @IsOmittable()
  @ValidateNested()
  @Type(() => GuardDto)
  guard?: GuardDto;
}
