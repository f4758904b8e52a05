import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { IsName, IsOmittable, PageLimit } from '../../../infra/http/validators';
import { WEBHOOK_EVENT_FILTERS } from '../webhook-events';

const URL_DESCRIPTION =
  'http(s) URL the events are POSTed to; other schemes and embedded credentials are refused (400 webhook/invalid_url)';
const EVENTS_DESCRIPTION = "event filter: event names, or '*' for every event";

export class CreateWebhookDto {
  @IsName() name: string;
  /** Checked in depth by the service (scheme, credentials) so the refusal has its own code. */
  @ApiProperty({ description: URL_DESCRIPTION, example: 'https://hooks.example.com/gantry' })
  @IsString()
  @MaxLength(2048)
  url: string;
  @ApiPropertyOptional({
    description: 'signing secret; generated when omitted. Shown in the creation response only',
    minLength: 16,
    maxLength: 256,
  })
  @IsOmittable()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  secret?: string;
  @ApiProperty({ description: EVENTS_DESCRIPTION, type: [String], enum: WEBHOOK_EVENT_FILTERS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_FILTERS.length)
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true })
  events: string[];
  @ApiPropertyOptional({ default: true }) @IsOmittable() @IsBoolean() enabled?: boolean;
}

export class UpdateWebhookDto {
  @IsName(true) name?: string;
  @ApiPropertyOptional({ description: URL_DESCRIPTION }) @IsOmittable() @IsString() @MaxLength(2048) url?: string;
  @ApiPropertyOptional({ description: EVENTS_DESCRIPTION, type: [String], enum: WEBHOOK_EVENT_FILTERS })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_FILTERS.length)
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true })
  events?: string[];
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() enabled?: boolean;
}

export class WebhookDeliveriesQueryDto {
  @PageLimit() limit?: number;
}
