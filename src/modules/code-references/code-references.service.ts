import { Injectable, Logger } from '@nestjs/common';
import { parseCodeReferenceReport } from '../../core/code-refs/report';
import { DomainError, notFound } from '../../core/errors';
import { formatResource, projectResource } from '../../core/policy';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { FlagsReadModel } from '../flags/flags.read-model';
import { ProjectsService } from '../projects/projects.service';
import { CodeReferencesRepository, type CodeReferenceRecord } from './code-references.repository';

/** A flag's references answered by GET; more are counted but not listed. */
const LIST_LIMIT = 1_000;

export interface CodeReferenceReportResult {
  repository: string;
  branch: string;
  commit: string;
  /** References stored for the repository+branch (now its whole set). */
  stored: number;
  /** References the branch had before this report. */
  replaced: number;
  /** Keys named by the report that are no flag of the project: not stored. */
  unknownFlagKeys: string[];
}

/**
 * Code references: where flag keys appear in repositories, as reported by `gantry code-refs scan`
 * (or any tool) per repository+branch. Reporting needs `reportCodeReferences` (writers have it; a
 * custom role can give a CI token this alone, not the project's settings); reading needs only to
 * see the project.
 */
@Injectable()
export class CodeReferencesService {
  private readonly logger = new Logger('code-references');

  constructor(
    private readonly repo: CodeReferencesRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagsReadModel,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
  ) {}

  async report(actor: Actor, projectKey: string, body: unknown): Promise<CodeReferenceReportResult> {
    const project = await this.projects.require(actor, projectKey);
    this.authz.assert(actor, 'reportCodeReferences', projectResource(project));
    const parsed = parseCodeReferenceReport(body);
    if ('tooMany' in parsed)
      throw new DomainError(
        'code_reference/too_many',
        `${parsed.tooMany} references in one report; at most 10000 (report per repository, or narrow the scan with .gitignore)`,
      );
    if ('errors' in parsed)
      throw new DomainError('code_reference/invalid', 'the code reference report is not valid', parsed.errors);
    const { report } = parsed;
    const known = new Set(await this.flags.keys(project.id));
    const references = report.references.filter((r) => known.has(r.flagKey));
    const unknownFlagKeys = [
      ...new Set(report.references.filter((r) => !known.has(r.flagKey)).map((r) => r.flagKey)),
    ].sort();
    const replaced = await this.repo.transaction(async (tx) => {
      const before = await this.repo.replace(tx, project.id, { ...report, references });
      await this.audit.record(tx, actor, {
        action: 'reportCodeReferences',
        resource: formatResource(projectResource(project)),
        comment: `${report.repository}@${report.branch} ${report.commit}`,
        after: {
          repository: report.repository,
          branch: report.branch,
          commit: report.commit,
          count: references.length,
        },
        links: { repository: report.repository, branch: report.branch, commit: report.commit },
      });
      return before;
    });
    this.logger.log(
      `code references of ${report.repository}@${report.branch} (${report.commit}) in ${project.key}: ` +
        `${references.length} stored, ${replaced} replaced, ${unknownFlagKeys.length} unknown keys`,
    );
    return {
      repository: report.repository,
      branch: report.branch,
      commit: report.commit,
      stored: references.length,
      replaced,
      unknownFlagKeys,
    };
  }

  async forFlag(actor: Actor, projectKey: string, flagKey: string) {
    const project = await this.projects.require(actor, projectKey);
    if (!(await this.flags.definition(project.key, flagKey))) throw notFound('flag', flagKey);
    const rows = await this.repo.forFlag(project.id, flagKey, LIST_LIMIT);
    return { items: rows.map(view) };
  }
}

const view = (r: CodeReferenceRecord) => ({
  repository: r.repository,
  branch: r.branch,
  commit: r.commit,
  path: r.path,
  line: r.line,
  context: r.context,
  reportedAt: r.reportedAt.toISOString(),
});
