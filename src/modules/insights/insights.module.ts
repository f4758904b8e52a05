import { Module } from '@nestjs/common';
import { FlagsReadModule } from '../flags/flags-read.module';
import { ProjectsModule } from '../projects/projects.module';
import { EvaluationCountSink } from './evaluation-count-sink';
import { EvaluationRecorder } from './evaluation-recorder.service';
import { FlagInsightsService } from './flag-insights.service';
import { InsightsController } from './insights.controller';
import { InsightsRepository } from './insights.repository';

/**
 * Evaluation insights: the counts API nodes record (EvaluationRecorder, used by delivery) and the
 * per-flag read of them. The retention worker prunes them through InsightsRepository.
 */
@Module({
  imports: [ProjectsModule, FlagsReadModule],
  controllers: [InsightsController],
  providers: [
    InsightsRepository,
    { provide: EvaluationCountSink, useExisting: InsightsRepository },
    EvaluationRecorder,
    FlagInsightsService,
  ],
  exports: [EvaluationRecorder, InsightsRepository, EvaluationCountSink],
})
export class InsightsModule {}
