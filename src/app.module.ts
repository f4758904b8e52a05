import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { GantryConfig } from './infra/config/config';
import { InfraModule } from './infra/infra.module';
import { AccountsModule } from './modules/accounts/accounts.module';
import { ApprovalsModule } from './modules/approvals/approvals.module';
import { BypassLedgerModule } from './modules/approvals/bypass-ledger.module';
import { AuditModule } from './modules/audit/audit.module';
import { ConsoleModule } from './modules/console/console.module';
import { SdkDeliveryModule } from './modules/delivery/sdk-delivery.module';
import { InsightsModule } from './modules/insights/insights.module';
import { CodeReferencesModule } from './modules/code-references/code-references.module';
import { LifecycleModule } from './modules/lifecycle/lifecycle.module';
import { EnvironmentsModule } from './modules/environments/environments.module';
import { FlagRestoreModule } from './modules/flag-restore/flag-restore.module';
import { FlagLoaderFactory } from './modules/flags/flag.loader';
import { FlagsModule } from './modules/flags/flags.module';
import { GuardrailsModule } from './modules/guardrails/guardrails.module';
import { FreezesModule } from './modules/freezes/freezes.module';
import { GraphqlModule } from './modules/graphql/graphql.module';
import { HealthModule } from './modules/health/health.module';
import { PipelinesModule } from './modules/pipelines/pipelines.module';
import { ProjectsModule } from './modules/projects/projects.module';
import { GuardsModule } from './modules/guards/guards.module';
import { ReleasesModule } from './modules/releases/releases.module';
import { SchedulesModule } from './modules/schedules/schedules.module';
import { ScimModule } from './modules/scim/scim.module';
import { SegmentsModule } from './modules/segments/segments.module';
import { SignInModule } from './modules/sign-in/sign-in.module';
import { TriggersModule } from './modules/triggers/triggers.module';
import { DeploymentsModule } from './modules/deployments/deployments.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { RelayCredentialsModule } from './modules/relay-credentials/relay-credentials.module';
import { RelayModule } from './modules/relay/relay.module';
import { WorkersModule } from './workers/workers.module';

/** The whole application; `role` decides whether HTTP transports, workers, or both are wired. */
@Module({})
export class AppModule {
  static forRoot(config: GantryConfig, logger: Logger): DynamicModule {
    const api = config.role !== 'worker';
    const workers = config.role !== 'api';
    return {
      module: AppModule,
      imports: [
        InfraModule.forRoot(config, logger),
        AuditModule,
        AccountsModule,
        ProjectsModule,
        EnvironmentsModule,
        FlagsModule,
        SegmentsModule,
        GuardrailsModule,
        FreezesModule,
        ApprovalsModule,
        BypassLedgerModule,
        FlagRestoreModule,
        TriggersModule,
        DeploymentsModule,
        SchedulesModule,
        ReleasesModule,
        GuardsModule,
        PipelinesModule,
        WebhooksModule,
        ScimModule,
        HealthModule,
        InsightsModule,
        CodeReferencesModule,
        LifecycleModule,
        ...(api
          ? [
              GraphqlModule.forRoot({
                imports: [FlagsModule],
                loaders: { flags: FlagLoaderFactory },
                limits: config.graphqlLimits,
              }),
              SdkDeliveryModule,
              RelayCredentialsModule,
              RelayModule.register([SdkDeliveryModule, RelayCredentialsModule]),
              SignInModule,
              ConsoleModule,
            ]
          : []),
        ...(workers ? [WorkersModule] : []),
      ],
    };
  }
}
