import { ProjectReleasesController } from './project-releases.controller';
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { AutomationModule } from '../automation/automation.module';
import { FlagsModule } from '../flags/flags.module';
import { FreezesReadModule } from '../freezes/freezes-read.module';
import { GuardsModule } from '../guards/guards.module';
import { ProjectsModule } from '../projects/projects.module';
import { ActiveGuardsReadModule } from './active-guards-read.module';
import { ReleaseNotifier } from './release-notifier';
import { ReleaseStepper } from './release-stepper.service';
import { ReleaseWrites } from './release-writes';
import { ReleasesController } from './releases.controller';
import { ReleasesRepository } from './releases.repository';
import { ReleasesResolver } from './releases.resolver';
import { ReleasesService } from './releases.service';
import { AutomationGate } from '../write-path/automation-gate';

/** Staged and guarded releases: the REST resource, and the stepper the worker drives. */
@Module({
  imports: [
    AccountsModule,
    AuditModule,
    AutomationModule,
    ProjectsModule,
    FlagsModule,
    GuardsModule,
    FreezesReadModule,
    ActiveGuardsReadModule,
  ],
  controllers: [ReleasesController, ProjectReleasesController],
  providers: [
    AutomationGate,
    ReleasesRepository,
    ReleasesService,
    ReleaseStepper,
    ReleaseNotifier,
    ReleaseWrites,
    ReleasesResolver,
  ],
  exports: [ReleaseStepper, ReleasesService],
})
export class ReleasesModule {}
