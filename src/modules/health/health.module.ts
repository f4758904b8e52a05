import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { ServingReadiness } from './serving-readiness';

@Module({
  controllers: [HealthController],
  providers: [HealthService, ServingReadiness],
  exports: [HealthService, ServingReadiness],
})
export class HealthModule {}
