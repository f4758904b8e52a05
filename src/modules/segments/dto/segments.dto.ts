import { BreakGlassDto, BypassField } from '../../../infra/http/break-glass.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsKey, IsName, IsOmittable, IsTags, MAX_INT32, PageLimit } from '../../../infra/http/validators';
import { SEGMENT_INSTRUCTION_LIST_SCHEMA } from '../../../infra/http/instruction-schemas';

export class CreateSegmentDto {
  @IsKey('segment key') key: string;
  @IsName() name: string;
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(8192) description?: string;
  @IsTags() tags?: string[];
  @ApiPropertyOptional({ type: [String], description: 'user keys included' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  included?: string[];
  @ApiPropertyOptional({ type: [String], description: 'user keys excluded' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsString({ each: true })
  @MaxLength(1024, { each: true })
  excluded?: string[];
}

export class PatchSegmentDto {
  @ApiProperty({
    ...SEGMENT_INSTRUCTION_LIST_SCHEMA,
    description: 'semantic-patch instructions, applied in order, all or nothing',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  instructions: unknown[];
  @ApiPropertyOptional() @IsOmittable() @IsString() @MaxLength(4096) comment?: string;
  @BypassField() bypass?: BreakGlassDto;
}

export class ListSegmentsQueryDto {
  @PageLimit() limit?: number;
  @ApiPropertyOptional({ default: 0 })
  @IsOmittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_INT32)
  offset?: number;
}
