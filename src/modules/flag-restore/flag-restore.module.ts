import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ApprovalsModule } from '../approvals/approvals.module';
import { FlagsModule } from '../flags/flags.module';
import { ProjectsModule } from '../projects/projects.module';
import { SegmentsModule } from '../segments/segments.module';
import { FlagRestoreController } from './flag-restore.controller';
import { FlagRestoreResolver } from './flag-restore.resolver';
import { FlagRestoreService } from './flag-restore.service';

/**
 * Restoring a flag's environment configuration to a kept version. Above both flags (the write path,
 * the version snapshots) and approvals (a gated restore opens a change request), so neither of them
 * has to know the other; the route still lives under the flag's URL.
 */
@Module({
  imports: [AccountsModule, ProjectsModule, FlagsModule, SegmentsModule, ApprovalsModule],
  controllers: [FlagRestoreController],
  providers: [FlagRestoreService, FlagRestoreResolver],
})
export class FlagRestoreModule {}
