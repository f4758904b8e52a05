import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { AutomationModule } from '../automation/automation.module';
import { FlagsModule } from '../flags/flags.module';
import { ProjectsModule } from '../projects/projects.module';
import { TriggerFireController } from './trigger-fire.controller';
import { TriggerFireService } from './trigger-fire.service';
import { TriggerIdempotencyStore } from './trigger-idempotency';
import { TriggerRateLimiter } from './trigger-rate-limiter';
import { TriggersController } from './triggers.controller';
import { TriggersRepository } from './triggers.repository';
import { TriggersService } from './triggers.service';
import { AutomationGate } from '../write-path/automation-gate';

/**
 * Flag triggers: an action on one flag in one environment behind an unguessable URL, for CI
 * pipelines and monitoring tools that hold no access token. Managing them is the REST resource
 * under the flag; firing writes through FlagWriteService like every other change.
 */
@Module({
  imports: [AccountsModule, AuditModule, AutomationModule, ProjectsModule, FlagsModule],
  controllers: [TriggersController, TriggerFireController],
  providers: [
    AutomationGate,
    TriggersRepository,
    TriggersService,
    TriggerFireService,
    TriggerRateLimiter,
    TriggerIdempotencyStore,
  ],
})
export class TriggersModule {}
