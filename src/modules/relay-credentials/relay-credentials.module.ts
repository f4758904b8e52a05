import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { ProjectsModule } from '../projects/projects.module';
import { RelayCredentialVerifier } from '../relay/relay-credential-verifier';
import { RelayCredentialsController } from './relay-credentials.controller';
import { RelayCredentialsRepository } from './relay-credentials.repository';
import { RelayCredentialsService } from './relay-credentials.service';

/** Credentials of edge nodes (issued, listed, revoked); the relay feed verifies them. */
@Module({
  imports: [AccountsModule, AuditModule, ProjectsModule],
  controllers: [RelayCredentialsController],
  providers: [
    RelayCredentialsRepository,
    RelayCredentialsService,
    { provide: RelayCredentialVerifier, useExisting: RelayCredentialsService },
  ],
  exports: [RelayCredentialsService, RelayCredentialVerifier],
})
export class RelayCredentialsModule {}
