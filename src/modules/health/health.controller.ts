import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../accounts/auth.guard';
import { LivenessDto, ReadinessDto } from './dto/health.responses';
import { HealthService } from './health.service';
import { Problems } from '../../infra/http/problems.decorator';

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Problems()
  @Get('health/live')
  @ApiOkResponse({ type: LivenessDto })
  live() {
    return { status: 'ok' };
  }

  @Problems()
  @Get('health/ready')
  @ApiOkResponse({
    type: ReadinessDto,
    description:
      "The node serves: `status` 'ok' (every check passes) or 'degraded' (PostgreSQL or Redis unreachable; " +
      'SDK traffic is served from snapshots, writes answer 503 until the store is back)',
  })
  @ApiServiceUnavailableResponse({
    type: ReadinessDto,
    description: "`status` 'down': the schema is not current, or the SDK snapshots were never loaded",
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.health.readiness();
    reply.status(r.ready ? 200 : 503);
    return r;
  }

  @Problems()
  @Get('metrics')
  @ApiOkResponse({
    description: 'Prometheus text exposition',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @Header('content-type', 'text/plain; version=0.0.4')
  metrics() {
    return this.health.metricsText();
  }
}
