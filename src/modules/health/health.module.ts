import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthMetrics } from './health.metrics';
import { HealthService } from './health.service';
import { ServingReadiness } from './serving-readiness';

@Module({
  controllers: [HealthController],
  providers: [HealthService, HealthMetrics, ServingReadiness],
  exports: [HealthService, ServingReadiness],
})
export class HealthModule {}
