import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { FlagsReadModule } from '../flags/flags-read.module';
import { ProjectsModule } from '../projects/projects.module';
import { CodeReferencesController } from './code-references.controller';
import { CodeReferencesReadModel } from './code-references.read-model';
import { CodeReferencesRepository } from './code-references.repository';
import { CodeReferencesService } from './code-references.service';

/**
 * Code references: where flag keys appear in source code, reported per repository+branch (by
 * `gantry code-refs scan` in CI). Lifecycle reads the counts through CodeReferencesReadModel.
 */
@Module({
  imports: [AccountsModule, AuditModule, ProjectsModule, FlagsReadModule],
  controllers: [CodeReferencesController],
  providers: [CodeReferencesRepository, CodeReferencesService, CodeReferencesReadModel],
  exports: [CodeReferencesReadModel],
})
export class CodeReferencesModule {}
