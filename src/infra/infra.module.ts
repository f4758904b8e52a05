import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { ClockService } from './clock/clock.service';
import { GANTRY_CONFIG, type GantryConfig } from './config/config';
import { ROOT_LOGGER } from './logging/logger';
import { MetricsService } from './metrics/metrics.service';
import { OUTBOUND_POLICY, OutboundPolicy } from './net/outbound-policy';
import { DatabaseMonitor } from './prisma/database-monitor';
import { DatabaseProbe } from './prisma/database-probe';
import { PrismaService } from './prisma/prisma.service';
import { QueuesService } from './queues/queues.service';
import { RedisService } from './redis/redis.service';

/**
 * Process-wide plumbing every module may inject: config, clock, PostgreSQL, Redis, queues, metrics,
 * logger, and the outbound address policy.
 */
@Global()
@Module({})
export class InfraModule {
  static forRoot(config: GantryConfig, logger: Logger): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        { provide: GANTRY_CONFIG, useValue: config },
        { provide: ROOT_LOGGER, useValue: logger },
        { provide: OUTBOUND_POLICY, useValue: new OutboundPolicy(config.outboundAllow) },
        ClockService,
        MetricsService,
        PrismaService,
        DatabaseProbe,
        DatabaseMonitor,
        RedisService,
        QueuesService,
      ],
      exports: [
        GANTRY_CONFIG,
        ROOT_LOGGER,
        OUTBOUND_POLICY,
        ClockService,
        MetricsService,
        PrismaService,
        DatabaseProbe,
        DatabaseMonitor,
        RedisService,
        QueuesService,
      ],
    };
  }
}
