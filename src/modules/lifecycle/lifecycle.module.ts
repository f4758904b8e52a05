import { Global, Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { AuditModule } from '../audit/audit.module';
import { CodeReferencesModule } from '../code-references/code-references.module';
import { FlagLifecycleStates } from '../flags/flag-lifecycle.port';
import { FlagsModule } from '../flags/flags.module';
import { InsightsModule } from '../insights/insights.module';
import { ProjectsModule } from '../projects/projects.module';
import { LifecycleStatesService } from './lifecycle-states.service';
import { LifecycleSweepService } from './lifecycle-sweep.service';
import { LifecycleController } from './lifecycle.controller';
import { LifecycleRepository } from './lifecycle.repository';
import { LifecycleService } from './lifecycle.service';

/**
 * Flag lifecycle: computed states (new, active, rolled-out, stale, archived), the project's
 * settings, the report, and the sweep that notifies and applies the archival policy. Global only to
 * provide the flags list its FlagLifecycleStates port (`?lifecycle=`), as flags sits below.
 */
@Global()
@Module({
  imports: [
    AccountsModule,
    AuditModule,
    ProjectsModule,
    FlagsModule,
    InsightsModule,
    CodeReferencesModule,
    ApprovalsModule,
  ],
  controllers: [LifecycleController],
  providers: [
    LifecycleRepository,
    LifecycleStatesService,
    LifecycleService,
    LifecycleSweepService,
    { provide: FlagLifecycleStates, useExisting: LifecycleStatesService },
  ],
  exports: [LifecycleSweepService, FlagLifecycleStates],
})
export class LifecycleModule {}
