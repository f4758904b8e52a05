import { Injectable } from '@nestjs/common';
import { RecentReads } from '../../core/cache/recent-reads';
import { DomainError, notFound } from '../../core/errors';
import { environmentResource, formatResource, projectResource } from '../../core/policy';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import { ClockService } from '../../infra/clock/clock.service';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { SdkKeysNotifier } from './sdk-keys-notifier';
import type { CreateProjectDto, UpdateProjectDto } from './dto/projects.dto';
import { newEnvironmentKeys } from './environment-keys';
import { ProjectsRepository, type ProjectRead } from './projects.repository';
import { projectView } from './views';
import { ReadScopeSource, type ReadScope } from '../audit/read-scope';
import type { EnvironmentContext, ProjectContext } from './project-context';

/** What of the organisation the caller may see: the ids lists filter on, in their queries. */
export interface VisibleScope {
  projectIds: string[];
  environmentIds: string[];
  /** The visible projects, each with only its visible environments. */
  projects: ProjectContext[];
}

/**
 * How long a project read for a write may start the next write of it. Nothing is decided on such a
 * copy alone (see requireForWrite): this bounds only how long an unused entry lives.
 */
const FOR_WRITE_TTL_MS = 5_000;

type ProjectAtRevision = Omit<ProjectRead, 'uncommitted'>;

@Injectable()
export class ProjectsService implements ReadScopeSource {
  /** Projects by key as last read, for the next write's start (requireForWrite). */
  private readonly forWrites: RecentReads<ProjectAtRevision>;
  /** The settings revision each project object was read at (readAt). */
  private readonly revisions = new WeakMap<ProjectContext, bigint>();

  constructor(
    private readonly repo: ProjectsRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly sdkKeys: SdkKeysNotifier,
    private readonly clock: ClockService,
  ) {
    this.forWrites = new RecentReads(FOR_WRITE_TTL_MS);
  }

  /** The project, if the caller may view it (404 when missing, 403 when not viewable). */
  /** `tx`: read in the caller's transaction (automation runs hold one; a second pool connection could wait for ever). */
  async require(actor: Actor, key: string, tx?: Tx): Promise<ProjectContext> {
    return (await this.requireAtRevision(actor, key, tx)).project;
  }

  /**
   * require, with the project's settings revision read in the same statement, for checks against
   * the guardrail and freeze lists cached at that revision (read in the caller's transaction).
   */
  async requireAtRevision(actor: Actor, key: string, tx?: Tx): Promise<ProjectAtRevision> {
    const found = await this.repo.findByKeyAtRevision(key, tx);
    if (!found) {
      this.forWrites.delete(key);
      throw notFound('project', key);
    }
    const { project, settingsRevision, uncommitted } = found;
    this.revisions.set(project, settingsRevision);
    // Only what is committed may start other writes: a transaction that changed the project and
    // then rolls back would leave a copy at a revision that later commits may reach with other content.
    if (!uncommitted) this.forWrites.set(key, { project, settingsRevision }, this.clock.now().getTime());
    this.authz.assert(actor, 'viewProject', projectResource(project));
    return { project, settingsRevision };
  }

  /**
   * require for the start of a flag write: the project as last read on this node (within
   * FOR_WRITE_TTL_MS), else read now. The write decides nothing on it alone: under its flag lock it
   * reads the project's settings revision, which every change to the project, its environments,
   * guardrails and freezes bumps (Project.settingsRevision), and reads the project again in its
   * transaction when the revision differs from `readAt` of this copy. A copy may also miss an
   * environment, a flag, or the project itself made since: when `recent`, the caller reads again
   * with `require` before it answers 404.
   */
  async requireForWrite(actor: Actor, key: string): Promise<{ project: ProjectContext; recent: boolean }> {
    const recent = this.recentRead(actor, key);
    return recent
      ? { project: recent.project, recent: true }
      : { project: await this.require(actor, key), recent: false };
  }

  /**
   * requireAtRevision in `tx`, answered from the project as last read on this node when that copy is
   * of the project `at` names and at the settings revision `at` read in this transaction (with a row
   * locked there: a release's). Every change to the project and its environments bumps the revision,
   * so the copy is then what a read here would return.
   */
  async requireAtLockedRevision(
    actor: Actor,
    key: string,
    at: { id: string; settingsRevision: bigint } | undefined,
    tx: Tx,
  ): Promise<ProjectAtRevision> {
    const fits = (r: ProjectAtRevision) => r.project.id === at?.id && r.settingsRevision === at.settingsRevision;
    return (at && this.recentRead(actor, key, fits)) || this.requireAtRevision(actor, key, tx);
  }

  /** This node's last committed read of the project, when within FOR_WRITE_TTL_MS and `fits` (viewProject checked). */
  private recentRead(
    actor: Actor,
    key: string,
    fits: (r: ProjectAtRevision) => boolean = () => true,
  ): ProjectAtRevision | undefined {
    const recent = this.forWrites.get(key, this.clock.now().getTime());
    if (!recent || !fits(recent)) return undefined;
    this.authz.assert(actor, 'viewProject', projectResource(recent.project));
    return recent;
  }

  /** The settings revision `project` was read at (undefined: not read by this service). */
  readAt(project: ProjectContext): bigint | undefined {
    return this.revisions.get(project);
  }

  requireEnvironment(p: ProjectContext, envKey: string): EnvironmentContext {
    const e = p.environments.find((x) => x.key === envKey);
    if (!e) throw notFound('environment', `${p.key}/${envKey}`);
    return e;
  }

  /** The environment, if the caller may view it (404 when missing, 403 when not viewable). */
  requireVisibleEnvironment(actor: Actor, p: ProjectContext, envKey: string): EnvironmentContext {
    const e = this.requireEnvironment(p, envKey);
    this.authz.assertViewEnvironment(actor, p, e);
    return e;
  }

  /** The environments of `p` the caller may view, in creation order. */
  visibleEnvironments(actor: Actor, p: ProjectContext): EnvironmentContext[] {
    return p.environments.filter((e) => this.authz.canViewEnvironment(actor, p, e));
  }

  visibleEnvironmentKeys(actor: Actor, p: ProjectContext): ReadonlySet<string> {
    return new Set(this.visibleEnvironments(actor, p).map((e) => e.key));
  }

  /** The project as the caller may see it: environments it may not view are left out. */
  view(actor: Actor, p: ProjectContext) {
    const visible = { ...p, environments: this.visibleEnvironments(actor, p) };
    return projectView(visible, (e) => this.authz.can(actor, 'viewSdkKey', environmentResource(p, e)));
  }

  /**
   * Projects the caller may view. The policy decides on key and tags, so the visible keys are
   * worked out over every project's key and tags first, and the page is then read among those
   * only: a page is never short because of projects the caller may not see.
   */
  async list(actor: Actor, limit = 100, offset = 0) {
    const visible = (await this.repo.listKeysAndTags())
      .filter((p) => this.authz.can(actor, 'viewProject', projectResource(p)))
      .map((p) => p.key);
    const rows = await this.repo.listByKeys(visible, limit, offset);
    return { items: rows.map((p) => this.view(actor, p)) };
  }

  /** Audit entries readable: whole projects where every environment is visible, else the visible environments. */
  async readScope(actor: Actor): Promise<ReadScope | null> {
    const all = await this.repo.listAll();
    const exact: string[] = [];
    let everything = true;
    for (const p of all) {
      const project = formatResource(projectResource(p));
      const envs = this.authz.can(actor, 'viewProject', projectResource(p)) ? this.visibleEnvironments(actor, p) : [];
      if (envs.length === p.environments.length && envs.length > 0) exact.push(project);
      else {
        everything = false;
        exact.push(...envs.map((e) => formatResource(environmentResource(p, e))));
      }
    }
    return everything ? null : { exact };
  }

  /** Every project the caller may view, with its visible environments (for filtering other lists). */
  async visibleScope(actor: Actor): Promise<VisibleScope> {
    const all = await this.repo.listAll();
    const projects = all.filter((p) => this.authz.can(actor, 'viewProject', projectResource(p)));
    return {
      projectIds: projects.map((p) => p.id),
      environmentIds: projects.flatMap((p) => this.visibleEnvironments(actor, p).map((e) => e.id)),
      projects: projects.map((p) => ({ ...p, environments: this.visibleEnvironments(actor, p) })),
    };
  }

  async get(actor: Actor, key: string) {
    return this.view(actor, await this.require(actor, key));
  }

  async create(actor: Actor, dto: CreateProjectDto) {
    const tags = dto.tags ?? [];
    this.authz.assert(actor, 'createProject', projectResource({ key: dto.key, tags }));
    const envs = dto.environments ?? [];
    const dup = envs.find((e, i) => envs.findIndex((x) => x.key === e.key) !== i);
    if (dup) throw new DomainError('environment/duplicate_key', `environment key '${dup.key}' appears twice`);
    for (const e of envs)
      this.authz.assert(
        actor,
        'createEnvironment',
        environmentResource({ key: dto.key, tags }, { key: e.key, critical: e.critical ?? false, tags: e.tags ?? [] }),
      );
    const view = await this.repo.transaction(async (tx) => {
      const p = await this.repo
        .create(tx, {
          key: dto.key,
          name: dto.name,
          tags,
          environments: envs.map((e) => ({
            key: e.key,
            name: e.name,
            color: e.color ?? '417505',
            critical: e.critical ?? false,
            tags: e.tags ?? [],
            ...newEnvironmentKeys(),
          })),
        })
        .catch(rethrowDuplicate('project', dto.key));
      await this.audit.record(tx, actor, {
        action: 'createProject',
        resource: formatResource(projectResource(p)),
        after: projectView(p, () => false),
      });
      return this.view(actor, p);
    });
    // New SDK keys: nodes learn them on first use anyway, but relay feeds list environments from this.
    await this.sdkKeys.changed();
    return view;
  }

  async update(actor: Actor, key: string, dto: UpdateProjectDto) {
    const p = await this.require(actor, key);
    this.authz.assert(actor, 'updateProject', projectResource(p));
    return this.repo.transaction(async (tx) => {
      const after = await this.repo.update(tx, p.id, { name: dto.name, tags: dto.tags });
      await this.audit.record(tx, actor, {
        action: 'updateProject',
        resource: formatResource(projectResource(p)),
        before: projectView(p, () => false),
        after: projectView(after, () => false),
      });
      return this.view(actor, after);
    });
  }

  /**
   * Deletes the project in the caller's transaction. Authorized here; the approval gate of the
   * environments it holds is the caller's (EnvironmentGovernanceService.deleteProject).
   */
  async removeInTx(tx: Tx, actor: Actor, p: ProjectContext, links?: Record<string, unknown>) {
    this.authz.assert(actor, 'deleteProject', projectResource(p));
    await this.repo.lockProject(tx, p.id);
    await this.repo.delete(tx, p.id);
    await this.audit.record(tx, actor, {
      action: 'deleteProject',
      resource: formatResource(projectResource(p)),
      before: projectView(p, () => false),
      ...(links ? { links } : {}),
    });
  }

  /** After a deletion commits: its environments' SDK keys stop working and their streams close on every node. */
  deleted(): Promise<void> {
    return this.sdkKeys.changed();
  }
}
