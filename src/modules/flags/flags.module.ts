import { Module } from '@nestjs/common';
import { FreezesReadModule } from '../freezes/freezes-read.module';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { OutboxModule } from '../outbox/outbox.module';
import { ProjectsModule } from '../projects/projects.module';
import { GuardrailsModule } from '../guardrails/guardrails.module';
import { FlagLoaderFactory } from './flag.loader';
import { RESOURCE_WRITER } from '../write-path/resource-writer';
import { FlagResourceWriter } from './flag-resource-writer';
import { FlagCreationService } from './flag-creation.service';
import { FlagPatchInputs } from './flag-patch-inputs';
import { FlagWriteService } from './flag-write.service';
import { FlagWriteGates } from './flag-write-gates';
import { FlagConfigWriter } from './flag-config-writer';
import { FlagsReadModule } from './flags-read.module';
import { FlagsController } from './flags.controller';
import { FlagLocksRepository } from './flag-locks.repository';
import { FlagsRepository } from './flags.repository';
import { FlagsService } from './flags.service';
import { FlagsResolver } from './flags.resolver';
import { PrerequisiteResolver } from './prerequisite.resolver';

@Module({
  imports: [
    AccountsModule,
    AuditModule,
    OutboxModule,
    ProjectsModule,
    FlagsReadModule,
    GuardrailsModule,
    FreezesReadModule,
  ],
  controllers: [FlagsController],
  providers: [
    FlagsRepository,
    FlagLocksRepository,
    FlagsService,
    FlagWriteService,
    FlagWriteGates,
    FlagConfigWriter,
    FlagPatchInputs,
    FlagCreationService,
    FlagsResolver,
    PrerequisiteResolver,
    FlagLoaderFactory,
    { provide: RESOURCE_WRITER.flag, useClass: FlagResourceWriter },
  ],
  exports: [
    FlagsService,
    FlagWriteService,
    FlagCreationService,
    FlagLoaderFactory,
    RESOURCE_WRITER.flag,
    FlagsReadModule,
  ],
})
export class FlagsModule {}
