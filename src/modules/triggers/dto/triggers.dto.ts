import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsObject, ValidateNested } from 'class-validator';
import { IsName, IsOmittable, MAX_LIST } from '../../../infra/http/validators';
import { BreakGlassDto, BypassField } from '../../../infra/http/break-glass.dto';
import { instructionListSchema } from '../../../infra/http/instruction-schemas';
import { TRIGGER_ACTION_KINDS, type TriggerActionKind } from '../trigger-action';

export class TriggerActionDto {
  @ApiProperty({
    enum: TRIGGER_ACTION_KINDS,
    description: '`turnFlagOn`, `turnFlagOff`, or `instructions` (the stored list below)',
  })
  @IsIn(TRIGGER_ACTION_KINDS)
  kind: TriggerActionKind;

  @ApiPropertyOptional({
    ...instructionListSchema('FlagEnvironmentInstruction'),
    description:
      'kind `instructions` only: environment-level semantic-patch instructions, ' +
      'validated against the flag now and applied as they are on every call',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LIST)
  instructions?: unknown[];
}

export class CreateTriggerDto {
  @IsName() name: string;
  @ApiProperty({ type: TriggerActionDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TriggerActionDto)
  action: TriggerActionDto;
  @ApiPropertyOptional({ default: true }) @IsOmittable() @IsBoolean() enabled?: boolean;
  @BypassField() bypass?: BreakGlassDto;
}

export class UpdateTriggerDto {
  @IsName(true) name?: string;
  @ApiPropertyOptional({ description: 'a disabled trigger refuses calls (409 trigger/disabled) until enabled again' })
  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;
}
