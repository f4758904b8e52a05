import { Module } from '@nestjs/common';
import { ProjectsController } from './projects.controller';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';
import { ProjectsResolver } from './projects.resolver';

@Module({ controllers: [ProjectsController], providers: [ProjectsRepository, ProjectsService, ProjectsResolver], exports: [ProjectsService, ProjectsRepository] })
export class ProjectsModule {}
