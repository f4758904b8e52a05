import { Injectable } from '@nestjs/common';
import { CodeReferencesRepository } from './code-references.repository';

/** What other modules (lifecycle) may read of code references (conventions §16). No authorization: callers did theirs. */
@Injectable()
export class CodeReferencesReadModel {
  constructor(private readonly repo: CodeReferencesRepository) {}

  /** References per flag key over every repository and branch; a flag absent from the map has none. */
  countsByFlag(projectId: string): Promise<Map<string, number>> {
    return this.repo.counts(projectId);
  }
}
