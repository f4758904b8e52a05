import { BreakGlassDto, BypassField } from '../../../infra/http/break-glass.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { LIFECYCLE_STATES, type LifecycleState } from '../../../core/lifecycle';
import { JSON_VALUE } from '../../../infra/http/api-schemas';
import { FLAG_INSTRUCTION_LIST_SCHEMA } from '../../../infra/http/instruction-schemas';
import { IsKey, IsName, IsOmittable, IsTags, MAX_INT32, PageLimit } from '../../../infra/http/validators';

export class VariationInputDto {
  @ApiProperty({ ...JSON_VALUE, description: 'any JSON value except null; all variations share one type' })
  @Allow()
  value: string | number | boolean | object;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(256) name?: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(1024) description?: string;
}

export class FlagDefaultsDto {
  @ApiProperty() @IsInt() @Min(0) @Max(99) onVariation: number;
  @ApiProperty() @IsInt() @Min(0) @Max(99) offVariation: number;
}

export class ClientSideAvailabilityDto {
  @ApiProperty() @IsBoolean() usingEnvironmentId: boolean;
  @ApiProperty() @IsBoolean() usingMobileKey: boolean;
}

export class CreateFlagDto {
  @IsKey('flag key') key: string;
  @IsName() name: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(8192) description?: string;
  @ApiPropertyOptional({ type: [VariationInputDto], description: 'omit for a boolean flag (true, false)' })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => VariationInputDto)
  variations?: VariationInputDto[];
  @ApiPropertyOptional({ type: FlagDefaultsDto })
  @IsOmittable()
  @ValidateNested()
  @Type(() => FlagDefaultsDto)
  defaults?: FlagDefaultsDto;
  @IsTags() tags?: string[];
  @ApiPropertyOptional({ default: true }) @IsOmittable() @IsBoolean() temporary?: boolean;
  @ApiPropertyOptional({ type: ClientSideAvailabilityDto })
  @IsOmittable()
  @ValidateNested()
  @Type(() => ClientSideAvailabilityDto)
  clientSideAvailability?: ClientSideAvailabilityDto;
  @ApiPropertyOptional({ format: 'uuid', description: 'the member responsible for the flag (member id)' })
  @IsOmittable()
  @IsUUID()
  maintainerId?: string;
  @ApiPropertyOptional({
    description: 'ISO-8601 date (2027-03-31) or date-time a temporary flag is planned to be removed by',
    maxLength: 40,
  })
  @IsOmittable()
  @IsString()
  @MaxLength(40)
  plannedRemovalDate?: string;
}

export class PatchFlagDto {
  @IsKey('environment the environment-level instructions apply to', true) environmentKey?: string;
  /** Shapes are validated in depth by core/patch, which reports the failing instruction's index. */
  @ApiProperty({
    ...FLAG_INSTRUCTION_LIST_SCHEMA,
    description: 'semantic-patch instructions, applied in order, all or nothing',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  instructions: unknown[];
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(4096) comment?: string;
  @BypassField() bypass?: BreakGlassDto;
}

export class ListFlagsQueryDto {
  // Query strings are text: 'false' must mean false (Boolean('false') is true); anything else but 'true' is refused.
  @ApiPropertyOptional()
  @IsOmittable()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  archived?: boolean;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(64) tag?: string;
  @ApiPropertyOptional({ description: 'substring of the key' })
  @IsOmittable()
  @IsString()
  @MaxLength(128)
  query?: string;
  @ApiPropertyOptional({
    enum: LIFECYCLE_STATES,
    description: 'only flags in this overall lifecycle state (see the lifecycle report); items then carry `lifecycle`',
  })
  @IsOmittable()
  @IsIn(LIFECYCLE_STATES)
  lifecycle?: LifecycleState;
  @PageLimit() limit?: number;
  @ApiPropertyOptional({ default: 0 })
  @IsOmittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  offset?: number;
}

export class ListVersionsQueryDto {
  @PageLimit() limit?: number;
  @ApiPropertyOptional({ description: 'return versions older than this one' })
  @IsOmittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INT32)
  before?: number;
}
