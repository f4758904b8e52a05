import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { LoginStateStore } from './oidc/login-state.store';
import { OidcClient } from './oidc/oidc-client';
import { OidcController } from './oidc/oidc.controller';
import { OidcSignInService } from './oidc/oidc-sign-in.service';
import { SessionController } from './session.controller';
import { SignInService } from './sign-in.service';

/** How people sign in to the console: a personal access token, or their company's identity provider (OIDC). */
@Module({
  imports: [AccountsModule],
  controllers: [SessionController, OidcController],
  providers: [SignInService, OidcClient, LoginStateStore, OidcSignInService],
})
export class SignInModule {}
