import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../accounts/auth.guard';
import { HealthService } from './health.service';

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health/live') live() { return { status: 'ok' }; }

  @Get('health/ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.health.readiness();
    reply.status(r.ready ? 200 : 503);
    return r;
  }

  @Get('metrics') @Header('content-type', 'text/plain; version=0.0.4') metrics() { return this.health.metricsText(); }
}
