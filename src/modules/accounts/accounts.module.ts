import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccountsController } from './accounts.controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsResolver } from './accounts.resolver';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { ExplainService } from './explain.service';
import { IdentityProvisioningService } from './identity-provisioning.service';
import { MemberActivation } from './member-activation';
import { MembersService } from './members.service';
import { OwnerBootstrapService } from './owner-bootstrap.service';
import { ProvisioningRepository } from './provisioning.repository';
import { ProvisioningService } from './provisioning.service';
import { ResourceAttributesRepository } from './resource-attributes.repository';
import { RolesService } from './roles.service';
import { ScimAuthService } from './scim-auth.service';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { TeamsService } from './teams.service';
import { TokensService } from './tokens.service';

/** Members, teams, roles, tokens, authentication and the one authorization helper; audited through AuditTrail. */
@Module({
  controllers: [AccountsController],
  providers: [
    AccountsRepository,
    AccountsResolver,
    ResourceAttributesRepository,
    AuthService,
    SessionsRepository,
    SessionsService,
    IdentityProvisioningService,
    MembersService,
    TeamsService,
    RolesService,
    TokensService,
    ExplainService,
    OwnerBootstrapService,
    { provide: APP_GUARD, useClass: AuthGuard },
    // Identity provisioning (SCIM): deactivation, provider-managed members and teams, SCIM tokens.
    MemberActivation,
    ProvisioningRepository,
    ProvisioningService,
    ScimAuthService,
  ],
  exports: [
    AuthService,
    SessionsService,
    IdentityProvisioningService,
    MembersService,
    TokensService,
    RolesService,
    TeamsService,
    OwnerBootstrapService,
    ProvisioningService,
    ScimAuthService,
  ],
})
export class AccountsModule {}
