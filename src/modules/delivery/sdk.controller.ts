import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sdkLabel } from '../../core/insights/evaluation-tally';
import { Public } from '../accounts/auth.guard';
import { SdkDeliveryService } from './sdk-delivery.service';
import { SdkEventSink } from './snapshot-source';

/** The LaunchDarkly server-side SDK protocol (FDv1), authenticated by SDK key. See protocols.md §3. */
@ApiExcludeController()
@Public()
@Controller()
export class SdkController {
  constructor(
    private readonly delivery: SdkDeliveryService,
    private readonly events: SdkEventSink,
  ) {}

  @Get('all') stream(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.delivery.stream(req, reply);
  }
  @Get('sdk/latest-all') poll(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.delivery.poll(req, reply);
  }

  @Post('bulk')
  @HttpCode(202)
  async bulk(@Req() req: FastifyRequest, @Body() body: unknown) {
    const { environmentId } = await this.delivery.authenticate(req.headers);
    await this.events.ingest(environmentId, body, sdkLabel(req.headers['user-agent']));
  }

  /** Diagnostics are accepted and dropped: nothing in Gantry uses them. */
  @Post('diagnostic')
  @HttpCode(202)
  async diagnostic(@Req() req: FastifyRequest) {
    await this.delivery.authenticate(req.headers);
  }
}
