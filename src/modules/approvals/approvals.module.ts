import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { AutomationModule } from '../automation/automation.module';
import { DeliveryModule } from '../delivery/delivery.module';
import { FlagsModule } from '../flags/flags.module';
import { ProjectsModule } from '../projects/projects.module';
import { SegmentsModule } from '../segments/segments.module';
import { ApprovalSettingsController } from './approval-settings.controller';
import { ApprovalSettingsRepository } from './approval-settings.repository';
import { ApprovalSettingsService } from './approval-settings.service';
import { ChangeRequestAccess } from './change-request-access';
import { ChangeRequestApplyService } from './change-request-apply.service';
import { ChangeRequestAutomation } from './change-request-automation';
import { ChangeRequestImpactService } from './change-request-impact.service';
import { ChangeRequestReviewsService } from './change-request-reviews.service';
import { ChangeRequestsController } from './change-requests.controller';
import { ChangeRequestsRepository } from './change-requests.repository';
import { ChangeRequestsResolver } from './change-requests.resolver';
import { ChangeRequestsService } from './change-requests.service';
import { ChangeTargets } from './change-targets';

/**
 * Governance: approval settings per environment (the gate itself runs inside the write services,
 * see approval-gate.ts) and change requests, whose applies go through those same write services.
 */
@Module({
  imports: [AccountsModule, AuditModule, AutomationModule, DeliveryModule, ProjectsModule, FlagsModule, SegmentsModule],
  controllers: [ApprovalSettingsController, ChangeRequestsController],
  providers: [
    ApprovalSettingsRepository,
    ApprovalSettingsService,
    ChangeRequestsRepository,
    ChangeRequestAccess,
    ChangeTargets,
    ChangeRequestsService,
    ChangeRequestReviewsService,
    ChangeRequestApplyService,
    ChangeRequestAutomation,
    ChangeRequestImpactService,
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
