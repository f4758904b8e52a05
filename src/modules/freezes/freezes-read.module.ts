import { Module } from '@nestjs/common';
import { FreezeEvents } from './freeze-events';
import { FreezeGate } from './freeze-gate';
import { FreezesRepository } from './freezes.repository';

/**
 * What the write path and automation need of freezes (the gate, the removal notice), without the
 * routes: imported by flags, segments and releases, below the freezes module itself.
 */
@Module({
  providers: [FreezesRepository, FreezeGate, FreezeEvents],
  exports: [FreezesRepository, FreezeGate, FreezeEvents],
})
export class FreezesReadModule {}
