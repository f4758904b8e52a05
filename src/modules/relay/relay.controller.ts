import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../accounts/auth.guard';
import { RelayService } from './relay.service';

/**
 * The relay surface edges use (see core/relay/feed-protocol), authenticated by a relay credential.
 * Served by API nodes and by edges (a tree of edges); not part of the management API.
 */
@ApiExcludeController()
@Public()
@Controller('relay/v1')
export class RelayController {
  constructor(private readonly relay: RelayService) {}

  @Post('feed') feed(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.relay.feed(req, reply);
  }

  @Get('credential') credential(@Req() req: FastifyRequest) {
    return this.relay.credential(req.headers);
  }

  @Post('environments/:environmentId/events')
  @HttpCode(202)
  events(@Req() req: FastifyRequest, @Param('environmentId') environmentId: string, @Body() body: unknown) {
    return this.relay.events(req.headers, environmentId, body);
  }

  @Post('evaluation-counts')
  @HttpCode(202)
  counts(@Req() req: FastifyRequest, @Body() body: unknown) {
    return this.relay.counts(req.headers, body);
  }
}
