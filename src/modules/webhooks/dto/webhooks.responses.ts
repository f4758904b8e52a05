import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENT_FILTERS, WEBHOOK_EVENTS } from '../webhook-events';

/** Response shapes of the webhook endpoints, for the OpenAPI document (the service builds them). */

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String], enum: WEBHOOK_EVENT_FILTERS }) events: string[];
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'last characters of the secret, to recognise it' }) secretHint: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({ description: 'the signing secret: shown in this response only, never again' }) secret: string;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookDto] }) items: WebhookDto[];
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'also the x-gantry-delivery header and the body id' }) id: string;
  @ApiProperty({ format: 'uuid' }) webhookId: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS }) event: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the `data` of the delivered body' })
  payload: Record<string, unknown>;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status: 'pending' | 'succeeded' | 'failed';
  @ApiProperty({ type: 'integer', description: 'HTTP attempts made so far' }) attempts: number;
  @ApiProperty({ type: 'integer', nullable: true }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
}

export class WebhookDeliveryListDto {
  @ApiProperty({ type: [WebhookDeliveryDto], description: 'newest first' }) items: WebhookDeliveryDto[];
}
