import { BreakGlassDto, BypassField } from '../../../infra/http/break-glass.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, Matches, ValidateNested } from 'class-validator';
import { IsKey, IsName, IsTags, IsOmittable } from '../../../infra/http/validators';

export class CreateEnvironmentDto {
  @IsKey('environment key') key: string;
  @IsName() name: string;
  @ApiPropertyOptional({ example: '417505' })
  @IsOmittable()
  @Matches(/^[0-9A-Fa-f]{6}$/, { message: 'color must be 6 hex digits' })
  color?: string;
  @ApiPropertyOptional({ description: 'critical environments are protected (approvals default to required)' })
  @IsOmittable()
  @IsBoolean()
  critical?: boolean;
  @IsTags() tags?: string[];
}

export class UpdateEnvironmentDto {
  @IsName(true) name?: string;
  @ApiPropertyOptional()
  @IsOmittable()
  @Matches(/^[0-9A-Fa-f]{6}$/, { message: 'color must be 6 hex digits' })
  color?: string;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() critical?: boolean;
  @IsTags() tags?: string[];
  @BypassField() bypass?: BreakGlassDto;
}

export class CreateProjectDto {
  @IsKey('project key') key: string;
  @IsName() name: string;
  @IsTags() tags?: string[];
  @ApiPropertyOptional({ type: [CreateEnvironmentDto], description: 'created in the same call' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CreateEnvironmentDto)
  environments?: CreateEnvironmentDto[];
}

export class UpdateProjectDto {
  @IsName(true) name?: string;
  @IsTags() tags?: string[];
}

export class RotateKeyDto {
  @ApiProperty({ enum: ['sdkKey', 'mobileKey'] }) @IsIn(['sdkKey', 'mobileKey']) key: 'sdkKey' | 'mobileKey';
}
