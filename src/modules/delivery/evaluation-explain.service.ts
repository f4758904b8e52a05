import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import { evaluateFlag, parseContext } from '../../core/evaluation';
import type { Actor } from '../accounts/models/actor';
import { ProjectsService } from '../projects/projects.service';
import type { EvaluateDto } from './dto/evaluate.dto';
import { EnvironmentSnapshotsService } from './environment-snapshots.service';

/** Explains one evaluation for a person: value, variation, reason and the path taken. */
@Injectable()
export class EvaluationExplainService {
  constructor(
    private readonly projects: ProjectsService,
    private readonly snapshots: EnvironmentSnapshotsService,
  ) {}

  async explain(actor: Actor, projectKey: string, flagKey: string, envKey: string, dto: EvaluateDto) {
    const project = await this.projects.require(actor, projectKey);
    const env = this.projects.requireVisibleEnvironment(actor, project, envKey);
    const parsed = parseContext(dto.context);
    if (!parsed.ok) throw new DomainError('evaluation/invalid_context', `invalid context: ${parsed.error}`);
    const snapshot = await this.snapshots.get(env.id);
    if (!snapshot) throw notFound('environment', `${projectKey}/${envKey}`);
    if (!snapshot.store.rawFlag(flagKey)) throw notFound('flag', flagKey);
    const result = evaluateFlag(snapshot.store, flagKey, parsed.context, null, { trace: true });
    return {
      value: result.value,
      variationIndex: result.variationIndex,
      reason: result.reason,
      trace: result.trace ?? [],
      revision: Number(snapshot.revision),
    };
  }
}
