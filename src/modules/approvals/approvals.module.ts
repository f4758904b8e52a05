import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuthorizationService } from '../accounts/authorization.service';
import { AuditModule } from '../audit/audit.module';
import { AuditService } from '../audit/audit.service';
import { AutomationModule } from '../automation/automation.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { EnvironmentsModule } from '../environments/environments.module';
import { FlagsModule } from '../flags/flags.module';
import { ProjectsModule } from '../projects/projects.module';
import { SegmentsModule } from '../segments/segments.module';
import { RESOURCE_WRITER, ResourceWriters, resourceWritersProvider } from '../write-path/resource-writer';
import { EnvironmentResourceWriter } from './environment-resource-writer';
import { ApprovalSettingsController } from './approval-settings.controller';
import { ApprovalSettingsRepository } from './approval-settings.repository';
import { ApprovalSettingsService } from './approval-settings.service';
import { ChangeRequestAccess } from './change-request-access';
import { ChangeRequestActionsService } from './change-request-actions.service';
import { ChangeRequestApplyService } from './change-request-apply.service';
import { ChangeRequestAutomation } from './change-request-automation';
import { ChangeRequestImpactService } from './change-request-impact.service';
import { ChangeRequestReviewsService } from './change-request-reviews.service';
import { ChangeRequestsController } from './change-requests.controller';
import { ChangeRequestsRepository } from './change-requests.repository';
import { ChangeRequestsResolver } from './change-requests.resolver';
import { ChangeRequestsService } from './change-requests.service';

/**
 * Governance: approval settings per environment (the gate itself runs inside the write services,
 * see approval-gate.ts) and change requests, whose applies go through those same write services by
 * way of the ResourceWriters that FlagsModule and SegmentsModule provide.
 */
@Module({
  imports: [
    AccountsModule,
    AuditModule,
    AutomationModule,
    DeliveryModule,
    ProjectsModule,
    EnvironmentsModule,
    FlagsModule,
    SegmentsModule,
  ],
  controllers: [ApprovalSettingsController, ChangeRequestsController],
  providers: [
    ApprovalSettingsRepository,
    ApprovalSettingsService,
    ChangeRequestsRepository,
    ChangeRequestAccess,
    EnvironmentResourceWriter,
    { provide: RESOURCE_WRITER.environment, useExisting: EnvironmentResourceWriter },
    resourceWritersProvider,
    ChangeRequestsService,
    ChangeRequestReviewsService,
    {
      // A plain class (see its header), so built here from what Nest injects.
      provide: ChangeRequestApplyService,
      useFactory: (
        repo: ChangeRequestsRepository,
        access: ChangeRequestAccess,
        writers: ResourceWriters,
        authz: AuthorizationService,
        audit: AuditService,
      ) => new ChangeRequestApplyService(repo, access, writers, authz, audit),
      inject: [ChangeRequestsRepository, ChangeRequestAccess, ResourceWriters, AuthorizationService, AuditService],
    },
    ChangeRequestAutomation,
    ChangeRequestImpactService,
    ChangeRequestActionsService,
    ChangeRequestsResolver,
  ],
  exports: [
    ChangeRequestsRepository,
    ApprovalSettingsService,
    ChangeRequestsService,
    ChangeRequestReviewsService,
    ChangeRequestApplyService,
    ChangeRequestAutomation,
    ChangeRequestImpactService,
  ],
})
export class ApprovalsModule {}
