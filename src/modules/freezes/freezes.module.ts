import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ProjectsModule } from '../projects/projects.module';
import { FreezesReadModule } from './freezes-read.module';
import { FreezesController } from './freezes.controller';
import { FreezesResolver } from './freezes.resolver';
import { FreezesService } from './freezes.service';

/** Change-freeze windows: routes and their service (the write path's gate lives in FreezesReadModule). */
@Module({
  imports: [AccountsModule, ProjectsModule, FreezesReadModule],
  controllers: [FreezesController],
  providers: [FreezesService, FreezesResolver],
  exports: [FreezesService, FreezesReadModule],
})
export class FreezesModule {}
