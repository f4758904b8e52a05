import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { ProjectsModule } from '../projects/projects.module';
import { GuardrailChecks } from './guardrail-checks';
import { GuardrailsController } from './guardrails.controller';
import { GuardrailsRepository } from './guardrails.repository';
import { GuardrailsResolver } from './guardrails.resolver';
import { GuardrailsService } from './guardrails.service';

/**
 * Guardrail policies: their management (REST + GraphQL) and GuardrailChecks, which the write
 * services of flags and segments (and change-request creation) call on every change.
 */
@Module({
  imports: [AccountsModule, AuditModule, ProjectsModule],
  controllers: [GuardrailsController],
  providers: [
    GuardrailsRepository,
    GuardrailsService,
    GuardrailsResolver,
    {
      provide: GuardrailChecks,
      useFactory: (repo: GuardrailsRepository) => new GuardrailChecks(repo),
      inject: [GuardrailsRepository],
    },
  ],
  exports: [GuardrailChecks],
})
export class GuardrailsModule {}
