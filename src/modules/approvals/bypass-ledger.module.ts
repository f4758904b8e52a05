import { Global, Module } from '@nestjs/common';
import { BYPASS_LEDGER } from '../write-path/bypass-ledger';
import { ChangeRequestsRepository } from './change-requests.repository';
import { RetroactiveReviews } from './retroactive-reviews';

/**
 * Global so the write services (flags, segments, environments, projects) can account for a
 * break-glass write without importing ApprovalsModule, which imports them.
 */
@Global()
@Module({
  providers: [
    ChangeRequestsRepository,
    RetroactiveReviews,
    { provide: BYPASS_LEDGER, useExisting: RetroactiveReviews },
  ],
  exports: [BYPASS_LEDGER],
})
export class BypassLedgerModule {}
