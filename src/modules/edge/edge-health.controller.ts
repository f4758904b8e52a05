import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { MetricsService } from '../../infra/metrics/metrics.service';
import { Public } from '../accounts/auth.guard';
import { EdgeFeedClient } from './edge-feed.client';

/**
 * An edge's health: live while the process runs; ready once it has been in sync with its upstream
 * at least once, and it stays ready while the upstream is away (it serves its last snapshots),
 * reporting how stale they may be.
 */
@ApiExcludeController()
@Public()
@Controller()
export class EdgeHealthController {
  constructor(
    private readonly feed: EdgeFeedClient,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health/live') live() {
    return { status: 'ok' };
  }

  @Get('health/ready') ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const upstream = this.feed.status();
    const ready = upstream.synced;
    reply.status(ready ? 200 : 503);
    return { ready, status: !ready ? 'syncing' : upstream.state === 'connected' ? 'ok' : 'degraded', upstream };
  }

  @Get('metrics') @Header('content-type', 'text/plain; version=0.0.4') metricsText() {
    return this.metrics.registry.metrics();
  }
}
