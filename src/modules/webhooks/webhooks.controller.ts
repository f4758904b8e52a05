import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../../infra/http/api-schemas';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { CreateWebhookDto, UpdateWebhookDto, WebhookDeliveriesQueryDto } from './dto/webhooks.dto';
import { CreatedWebhookDto, WebhookDeliveryListDto, WebhookDto, WebhookListDto } from './dto/webhooks.responses';
import { WebhooksService } from './webhooks.service';
import { AUTHENTICATED, JSON_BODY, Problems } from '../../infra/http/problems.decorator';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiProblems()
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Problems(...AUTHENTICATED, 'auth/forbidden')
  @Get()
  @ApiOkResponse({ type: WebhookListDto })
  list(@CurrentActor() a: Actor) {
    return this.webhooks.list(a);
  }
  @Problems(...AUTHENTICATED, ...JSON_BODY, 'auth/forbidden', 'webhook/invalid_url', 'webhook/forbidden_address')
  @Post()
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  create(@CurrentActor() a: Actor, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(a, dto);
  }
  @Problems(...AUTHENTICATED, 'request/invalid', 'auth/forbidden', 'webhook/not_found')
  @Get(':id')
  @ApiOkResponse({ type: WebhookDto })
  get(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.webhooks.get(a, id);
  }
  @Problems(
    ...AUTHENTICATED,
    ...JSON_BODY,
    'auth/forbidden',
    'webhook/invalid_url',
    'webhook/forbidden_address',
    'webhook/not_found',
  )
  @Patch(':id')
  @ApiOkResponse({ type: WebhookDto })
  update(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(a, id, dto);
  }
  @Problems(...AUTHENTICATED, 'request/invalid', 'auth/forbidden', 'webhook/not_found')
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.webhooks.remove(a, id);
  }
  @Problems(...AUTHENTICATED, 'request/invalid', 'auth/forbidden', 'webhook/not_found')
  @Get(':id/deliveries')
  @ApiOkResponse({ type: WebhookDeliveryListDto })
  deliveries(@CurrentActor() a: Actor, @Param('id', ParseUUIDPipe) id: string, @Query() q: WebhookDeliveriesQueryDto) {
    return this.webhooks.deliveries(a, id, q);
  }
}
