import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module';
import { ProjectsController } from './projects.controller';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';
import { ProjectsResolver } from './projects.resolver';

@Module({
  imports: [DeliveryModule],
  controllers: [ProjectsController],
  providers: [ProjectsRepository, ProjectsService, ProjectsResolver],
  exports: [ProjectsService, ProjectsRepository],
})
export class ProjectsModule {}
