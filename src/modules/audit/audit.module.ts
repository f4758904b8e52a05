import { Global, Module } from '@nestjs/common';
import { AuditTrail } from '../accounts/audit-trail';
import { AuthorizationService } from '../accounts/authorization.service';
import { AuditVerificationService } from './audit-verification.service';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditResolver } from './audit.resolver';

/**
 * The audit log. Global because every module that mutates anything records here (accounts, below
 * it, through the AuditTrail it declares); it carries the authorization helper too, which has no
 * dependencies and is needed by everyone.
 */
@Global()
@Module({
  controllers: [AuditController],
  providers: [
    AuditRepository,
    AuditService,
    { provide: AuditTrail, useExisting: AuditService },
    AuditVerificationService,
    AuthorizationService,
    AuditResolver,
  ],
  exports: [AuditService, AuditTrail, AuthorizationService],
})
export class AuditModule {}
