import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { ProjectsModule } from '../projects/projects.module';
import { EnvironmentsController } from './environments.controller';
import { ProjectDeletionController } from './project-deletion.controller';
import { EnvironmentsService } from './environments.service';
import { EnvironmentGovernanceService } from './environment-governance.service';
import { EnvironmentsResolver } from './environments.resolver';

@Module({
  imports: [ProjectsModule, FlagsModule],
  controllers: [EnvironmentsController, ProjectDeletionController],
  providers: [EnvironmentsService, EnvironmentGovernanceService, EnvironmentsResolver],
  exports: [EnvironmentGovernanceService],
})
export class EnvironmentsModule {}
