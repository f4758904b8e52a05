import { Module } from '@nestjs/common';
import { ActiveGuardsReadModel } from './active-guards.read-model';
import { ActiveGuardsRepository } from './active-guards.repository';

/** The guarded releases' event needs on their own, for delivery's /bulk (which must not pull in the stepper). */
@Module({
  providers: [ActiveGuardsRepository, ActiveGuardsReadModel],
  exports: [ActiveGuardsReadModel],
})
export class ActiveGuardsReadModule {}
