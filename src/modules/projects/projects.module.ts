import { Module } from '@nestjs/common';
import { ProjectsController } from './projects.controller';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';
import { ProjectsResolver } from './projects.resolver';
import { SdkKeysNotifier } from './sdk-keys-notifier';
import { ReadScopeSource } from '../audit/read-scope';

@Module({
  controllers: [ProjectsController],
  providers: [
    ProjectsRepository,
    ProjectsService,
    ProjectsResolver,
    SdkKeysNotifier,
    { provide: ReadScopeSource, useExisting: ProjectsService },
  ],
  exports: [ProjectsService, ProjectsRepository, SdkKeysNotifier],
})
export class ProjectsModule {}
