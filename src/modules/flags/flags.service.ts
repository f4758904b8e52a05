import { Injectable, Optional } from '@nestjs/common';
import { DomainError } from '../../core/errors';
import { FlagLifecycleStates } from './flag-lifecycle.port';
import { notFound } from '../../core/errors';
import { MAX_INT32 } from '../../infra/http/validators';
import type { Actor } from '../accounts/models/actor';
import { ProjectsService } from '../projects/projects.service';
import type { ListFlagsQueryDto, ListVersionsQueryDto } from './dto/flags.dto';
import type { FlagRecord, FlagVersionRecord } from './flag-records';
import { FlagsRepository } from './flags.repository';
import { configsByEnvKey, flagView, withEnvironments, type FlagView } from './models/flag.view';
import type { ProjectContext } from '../projects/project-context';

export const rowView = (row: FlagRecord): FlagView =>
  flagView(row.key, row.definition, configsByEnvKey(row), row.version);

const versionView = (v: FlagVersionRecord) => ({
  version: v.version,
  createdAt: v.createdAt.toISOString(),
  actor: v.actor,
  comment: v.comment,
  flag: v.definition,
  environment: v.config,
});

/** The most flags of one project the lifecycle filter reads. */
const LIFECYCLE_SCAN = 10_000;

/** Reads of flags; every write goes through FlagWriteService. */
@Injectable()
export class FlagsService {
  constructor(
    private readonly repo: FlagsRepository,
    private readonly projects: ProjectsService,
    @Optional() private readonly lifecycle?: FlagLifecycleStates,
  ) {}

  async list(actor: Actor, projectKey: string, q: ListFlagsQueryDto) {
    const project = await this.projects.require(actor, projectKey);
    if (q.lifecycle) return this.listByLifecycle(actor, project, q);
    const rows = await this.repo.list(project.id, {
      archived: q.archived,
      tag: q.tag,
      query: q.query,
      limit: q.limit ?? 50,
      offset: q.offset ?? 0,
    });
    const visible = this.visibleKeys(actor, project);
    return { items: rows.map((row) => withEnvironments(rowView(row), visible)) };
  }

  /**
   * `?lifecycle=`: states are computed over the whole project, so the page is cut after the filter
   * (a project's flags are read at most LIFECYCLE_SCAN at a time).
   */
  private async listByLifecycle(actor: Actor, project: ProjectContext, q: ListFlagsQueryDto) {
    if (!this.lifecycle)
      throw new DomainError('request/invalid', 'lifecycle states are not available on this node', [
        { field: 'lifecycle', reason: 'not available' },
      ]);
    const states = await this.lifecycle.overallStates(project);
    const rows = await this.repo.list(project.id, {
      archived: q.archived,
      tag: q.tag,
      query: q.query,
      limit: LIFECYCLE_SCAN,
      offset: 0,
    });
    const offset = q.offset ?? 0;
    const page = rows.filter((r) => states.get(r.key) === q.lifecycle).slice(offset, offset + (q.limit ?? 50));
    const visible = this.visibleKeys(actor, project);
    return {
      items: page.map((row) => ({ ...withEnvironments(rowView(row), visible), lifecycle: states.get(row.key) })),
    };
  }

  /** Several flags of one project in one query (for batched GraphQL lookups); missing keys are absent. */
  async getMany(actor: Actor, projectKey: string, keys: readonly string[]): Promise<FlagView[]> {
    const project = await this.projects.require(actor, projectKey);
    const visible = this.visibleKeys(actor, project);
    return (await this.repo.findByKeys(project.id, keys)).map((row) => withEnvironments(rowView(row), visible));
  }

  async get(actor: Actor, projectKey: string, flagKey: string): Promise<FlagView> {
    const project = await this.projects.require(actor, projectKey);
    const row = await this.repo.find(project.id, flagKey);
    if (!row) throw notFound('flag', flagKey);
    return withEnvironments(rowView(row), this.visibleKeys(actor, project));
  }

  /** Keys of the project's environments the caller may view: a flag view shows only those. */
  visibleKeys(actor: Actor, project: ProjectContext): ReadonlySet<string> {
    return new Set(this.projects.visibleEnvironments(actor, project).map((e) => e.key));
  }

  async versions(actor: Actor, projectKey: string, flagKey: string, envKey: string, q: ListVersionsQueryDto) {
    const fe = await this.requireFlagEnvironment(actor, projectKey, flagKey, envKey);
    const rows = await this.repo.listVersions(fe.id, (q.limit ?? 50) + 1, q.before);
    const page = rows.slice(0, q.limit ?? 50);
    return { items: page.map(versionView), next: rows.length > page.length ? page[page.length - 1].version : null };
  }

  async version(actor: Actor, projectKey: string, flagKey: string, envKey: string, version: number) {
    const fe = await this.requireFlagEnvironment(actor, projectKey, flagKey, envKey);
    // Beyond PostgreSQL's integer range no version can exist (and the query would fail with a 500).
    const v = version >= 1 && version <= MAX_INT32 ? await this.repo.getVersion(fe.id, version) : null;
    if (!v) throw notFound('flag_version', `${flagKey}@${envKey}#${version}`);
    return versionView(v);
  }

  private async requireFlagEnvironment(actor: Actor, projectKey: string, flagKey: string, envKey: string) {
    const project = await this.projects.require(actor, projectKey);
    const row = await this.repo.find(project.id, flagKey);
    if (!row) throw notFound('flag', flagKey);
    this.projects.requireVisibleEnvironment(actor, project, envKey);
    const fe = row.environments.find((e) => e.environmentKey === envKey);
    if (!fe) throw notFound('environment', `${projectKey}/${envKey}`);
    return fe;
  }
}
