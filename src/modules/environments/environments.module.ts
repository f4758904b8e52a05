import { Module } from '@nestjs/common';
import { FlagsModule } from '../flags/flags.module';
import { ProjectsModule } from '../projects/projects.module';
import { EnvironmentsController } from './environments.controller';
import { EnvironmentsService } from './environments.service';
import { EnvironmentsResolver } from './environments.resolver';

@Module({
  imports: [ProjectsModule, FlagsModule],
  controllers: [EnvironmentsController],
  providers: [EnvironmentsService, EnvironmentsResolver],
})
export class EnvironmentsModule {}
