import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ScimAuthGuard } from './scim-auth.guard';
import { ScimDiscoveryService } from './scim-discovery.service';
import { ScimGroupsService } from './scim-groups.service';
import { ScimUsersService } from './scim-users.service';
import { ScimController } from './scim.controller';
import { ScimInterceptor } from './scim.interceptor';

/**
 * SCIM 2.0 provisioning for Okta, Entra ID and other identity providers: the protocol (filters,
 * PATCH dialects, resources, errors) over accounts' ProvisioningService, which owns the records.
 */
@Module({
  imports: [AccountsModule],
  controllers: [ScimController],
  providers: [ScimAuthGuard, ScimInterceptor, ScimUsersService, ScimGroupsService, ScimDiscoveryService],
})
export class ScimModule {}
