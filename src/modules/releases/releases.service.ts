import { Injectable } from '@nestjs/common';
import { flagApprovalReasons } from '../../core/approval';
import { DomainError } from '../../core/errors';
import type { VariationOrRollout } from '../../core/model/flag-config';
import { guardSeries, validateStages, type PhaseOrigin } from '../../core/release';
import { flagResource, formatResource } from '../../core/policy';
import { ClockService } from '../../infra/clock/clock.service';
import { isUniqueViolation } from '../../infra/prisma/prisma-errors';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { approvalSettingsOf } from '../write-path/approval-gate';
import { AutomationGate, withBypassNotices, type AutomationBypasses } from '../write-path/automation-gate';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import type { BypassNotice } from '../write-path/bypass-ledger';
import { AuditService } from '../audit/audit.service';
import { AutomationRunner } from '../automation/automation-runner';
import { FlagWriteService } from '../flags/flag-write.service';

interface Located {
  project: ProjectContext;
  env: EnvironmentContext;
}
import { ProjectsService } from '../projects/projects.service';
import type { ProjectReleasesQueryDto, StartReleaseDto } from './dto/releases.dto';
import { releaseView, type ReleaseView } from './models/release.view';
import { GuardService, type GuardSettings } from '../guards/guard.service';
import { ReleaseNotifier } from './release-notifier';
import { storeServing } from './release-serving';
import { RELEASE_GRANT, ReleaseWrites } from './release-writes';
import type { Release, ReleaseBaseline } from './release-records';
import { ActiveGuardsReadModel } from './active-guards.read-model';
import { FlagsReadModel } from '../flags/flags.read-model';
import { ReleasesRepository } from './releases.repository';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';

const notFound = (id: string) => new DomainError('release/not_found', `release '${id}' was not found`);

/**
 * Staged releases: start, read, pause, resume, roll back. The steps themselves are the worker's
 * (ReleaseStepper). Starting one in an environment whose approval settings gate the final change
 * is break-glass (bypassRequiredApproval and a reason; a retroactive review is opened, see
 * AutomationGate): a release is a standing permission to make that change step by step.
 */
@Injectable()
export class ReleasesService {
  constructor(
    private readonly repo: ReleasesRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagWriteService,
    private readonly flagsRead: FlagsReadModel,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly notifier: ReleaseNotifier,
    private readonly writes: ReleaseWrites,
    private readonly guards: GuardService,
    private readonly clock: ClockService,
    private readonly runner: AutomationRunner,
    private readonly gate: AutomationGate,
    private readonly activeGuards: ActiveGuardsReadModel,
  ) {}

  async start(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    dto: StartReleaseDto,
    bypassHeader?: BreakGlass,
  ) {
    const { project, env } = await this.locate(actor, projectKey, envKey);
    return this.startIn(actor, project, env, flagKey, dto, { breakGlass: breakGlassOf(dto.bypass, bypassHeader) });
  }

  /**
   * For release plans: `preApproved` when the phase's change request was approved (the approval
   * gate is then satisfied), or when the run's start broke glass for it (a retroactive review was
   * opened then); `origin` names the phase (stored with the release: fromPhase). Otherwise the
   * start itself is gated: `breakGlass` is its reason.
   */
  async startIn(
    actor: Actor,
    project: ProjectContext,
    env: EnvironmentContext,
    flagKey: string,
    dto: StartReleaseDto,
    {
      preApproved = false,
      breakGlass,
      origin,
    }: { preApproved?: boolean; breakGlass?: BreakGlass; origin?: PhaseOrigin },
  ): Promise<ReleaseView & { approvalBypassed?: BypassNotice[] }> {
    const stages = validateStages(dto.stages);
    const ruleId = dto.ruleId ?? null;
    const final =
      ruleId === null
        ? { kind: 'updateFallthroughVariationOrRollout', variationId: dto.toVariationId }
        : { kind: 'updateRuleVariationOrRollout', ruleId, variationId: dto.toVariationId };
    // The final state, validated and authorized as a PATCH would be (flag exists and is not archived, variation and rule exist).
    const dry = await this.flags.dryRun(actor, project, env, flagKey, [final]);
    const ref = flagResource(project, env, dry.before.flag);
    this.authz.assert(actor, 'manageReleases', ref);
    const variations = dry.before.flag.variations;
    const rule = ruleId === null ? undefined : dry.before.environment.rules.find((r) => r._id === ruleId)!;
    const baseline: VariationOrRollout = rule ?? dry.before.environment.fallthrough;
    const trackedBefore = rule ? rule.trackEvents : dry.before.environment.trackEventsFallthrough;
    if (!baseline.rollout && variations[baseline.variation ?? -1]?._id === dto.toVariationId) {
      throw new DomainError(
        'release/no_change',
        `the ${ruleId === null ? 'fallthrough' : `rule ${ruleId}`} already serves variation '${dto.toVariationId}'`,
      );
    }
    const reasons = flagApprovalReasons(approvalSettingsOf(project, env), dry.before, dry.after);
    // A pre-approved start (an approved change request, a pipeline run that broke glass) was reviewed
    // or accounted for already. No change request can carry a release itself, hence no path.
    const gated: AutomationBypasses = preApproved
      ? { bypassed: [] }
      : this.gate.check(
          actor,
          [{ project, env, flagKey, resource: ref, reasons, instructions: [final], version: dry.version }],
          null,
          breakGlass,
        );
    const guard: GuardSettings | null = dto.guard
      ? {
          metrics: [...new Set(dto.guard.metrics)],
          onRegression: dto.guard.onRegression ?? 'rollback',
          minSamplePerArm: dto.guard.minSamplePerArm ?? 100,
          alpha: dto.guard.alpha ?? 0.05,
        }
      : null;
    if (guard) await this.guards.requireMetrics(project.id, guard.metrics);
    const now = this.clock.now();
    const { row, opened, deliveries } = await this.repo.transaction(async (tx) => {
      const created = await this.repo
        .create(tx, {
          environmentId: env.id,
          flagKey,
          activeKey: `${env.id}:${flagKey}`,
          target: {
            ruleId,
            toVariationId: dto.toVariationId,
            toVariation: namedVariation(variations, dto.toVariationId),
          },
          stages,
          baseline: {
            serving: storeServing(baseline, variations),
            ...(dto.guard ? { trackEvents: trackedBefore } : {}),
          } satisfies ReleaseBaseline,
          baselineVersion: dry.version,
          createdBy: preApproved ? { ...actorRef(actor), bypass: reasons.length > 0 } : this.gate.creator(actor, gated),
          origin,
          nextStepAt: now,
          guard,
          history: [
            {
              at: now.toISOString(),
              status: 'running',
              stage: -1,
              actor: actorRef(actor),
              note: dto.comment ?? 'started',
            },
          ],
        })
        .catch((err: unknown) => {
          if (isUniqueViolation(err))
            throw new DomainError(
              'release/already_active',
              `flag '${flagKey}' already has a running or paused release in '${env.key}'`,
            );
          throw err;
        });
      const bypasses = await this.gate.open(tx, actor, gated);
      await this.audit.record(tx, actor, {
        action: 'startRelease',
        resource: formatResource(ref),
        comment: dto.comment,
        after: { target: created.target, stages },
        links: { release: created.id, ...(origin ? { origin } : {}), ...bypasses.links },
      });
      return { row: created, opened: bypasses, deliveries: await this.notifier.record(tx, created, 'release.started') };
    });
    this.gate.announce(actor, opened);
    // /bulk on this node stores the guard's events from now on, not only after the first step.
    if (guard) this.activeGuards.forget(env.id);
    this.notifier.after(row, deliveries);
    return withBypassNotices(releaseView(row), opened);
  }

  /** The newest release of the flag in `env` that a release plan's phase started (any status), if any. */
  async fromPhase(env: EnvironmentContext, flagKey: string, origin: PhaseOrigin): Promise<ReleaseView | null> {
    const row = await this.repo.latestFrom(env.id, flagKey, origin);
    return row && releaseView(row);
  }

  async list(actor: Actor, projectKey: string, flagKey: string, envKey: string): Promise<{ items: ReleaseView[] }> {
    const { env } = await this.locate(actor, projectKey, envKey, true);
    return { items: (await this.repo.list(env.id, flagKey)).map(releaseView) };
  }

  async get(actor: Actor, projectKey: string, flagKey: string, envKey: string, id: string): Promise<ReleaseView> {
    const at = await this.locate(actor, projectKey, envKey, true);
    const release = this.mine(await this.repo.find(id), at, flagKey, id);
    if (!release.guard) return releaseView(release);
    return { ...releaseView(release), guardChecks: guardSeries(await this.repo.guardChecks(release.id)) };
  }

  /** A project's releases in the environments the caller may view, newest first, a page at a time. */
  async listInProject(
    actor: Actor,
    projectKey: string,
    q: ProjectReleasesQueryDto,
  ): Promise<{ items: ReleaseView[]; next: string | null }> {
    const project = await this.projects.require(actor, projectKey);
    const envs = q.environment
      ? [this.projects.requireVisibleEnvironment(actor, project, q.environment)]
      : this.projects.visibleEnvironments(actor, project);
    const limit = q.limit ?? 50;
    const rows = await this.repo.listInProject({
      environmentIds: envs.map((e) => e.id),
      flagKey: q.flag,
      statuses: q.state ? [q.state] : undefined,
      before: q.cursor ? parseReleaseCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(releaseView), next: rows.length > limit ? releaseCursor(last) : null };
  }

  /** Stops the clock: the stage in force stays, and resume gives it the time it had left. */
  pause(actor: Actor, projectKey: string, flagKey: string, envKey: string, id: string): Promise<ReleaseView> {
    return this.transition(
      actor,
      projectKey,
      flagKey,
      envKey,
      id,
      ['running'],
      'pauseRelease',
      'release.paused',
      async (tx, r) => {
        const remainingMs = Math.max(0, (r.nextStepAt?.getTime() ?? 0) - this.clock.now().getTime());
        return this.repo.update(tx, r.id, {
          status: 'paused',
          nextStepAt: null,
          remainingMs,
          appendHistory: this.notifier.historyEntry(
            r,
            actor,
            'paused',
            `paused with ${remainingMs} ms left in stage ${r.currentStage + 1}`,
          ),
        });
      },
    );
  }

  resume(actor: Actor, projectKey: string, flagKey: string, envKey: string, id: string): Promise<ReleaseView> {
    return this.transition(
      actor,
      projectKey,
      flagKey,
      envKey,
      id,
      ['paused'],
      'resumeRelease',
      'release.resumed',
      async (tx, r) => {
        const nextStepAt = new Date(this.clock.now().getTime() + (r.remainingMs ?? 0));
        return this.repo.update(tx, r.id, {
          status: 'running',
          nextStepAt,
          remainingMs: null,
          appendHistory: this.notifier.historyEntry(r, actor, 'running', 'resumed'),
        });
      },
    );
  }

  /** Restores what the fallthrough (or rule) served before the release started, in one write. */
  rollback(actor: Actor, projectKey: string, flagKey: string, envKey: string, id: string): Promise<ReleaseView> {
    return this.transition(
      actor,
      projectKey,
      flagKey,
      envKey,
      id,
      ['running', 'paused', 'completed'],
      'rollbackRelease',
      'release.rolled_back',
      async (tx, r, at) => {
        await this.writes.restoreBaseline(
          tx,
          actor,
          at.project,
          at.env,
          r,
          await this.writes.definition(r, tx),
          'requested',
          // A person undoing the release writes under the approval it started with.
          this.runner.approveFor(RELEASE_GRANT, r, { rollback: true }),
        );
        return this.repo.update(tx, r.id, {
          status: 'rolled_back',
          activeKey: null,
          nextStepAt: null,
          remainingMs: null,
          appendHistory: this.notifier.historyEntry(
            r,
            actor,
            'rolled_back',
            'rolled back to the configuration before the release',
          ),
        });
      },
    );
  }

  private async transition(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    id: string,
    from: string[],
    action: string,
    event: 'release.paused' | 'release.resumed' | 'release.rolled_back',
    change: (tx: Tx, r: Release, at: Located) => Promise<Release>,
  ): Promise<ReleaseView> {
    const at = await this.locate(actor, projectKey, envKey);
    const ref = flagResource(at.project, at.env, {
      key: flagKey,
      tags: (await this.flagsRead.definition(projectKey, flagKey))?.tags ?? [],
    });
    this.authz.assert(actor, 'manageReleases', ref);
    const { row, deliveries } = await this.repo.transaction(async (tx) => {
      const locked = this.mine(await this.repo.findForUpdate(tx, id), at, flagKey, id);
      if (!from.includes(locked.status))
        throw new DomainError(
          'release/invalid_state',
          `release '${id}' is ${locked.status}; ${action} needs ${from.join(' or ')}`,
        );
      const next = await change(tx, locked, at);
      await this.audit.record(tx, actor, {
        action,
        resource: formatResource(ref),
        before: { status: locked.status, stage: locked.currentStage },
        after: { status: next.status, stage: next.currentStage },
        links: { release: id },
      });
      return { row: next, deliveries: await this.notifier.record(tx, next, event) };
    });
    this.notifier.after(row, deliveries);
    return releaseView(row);
  }

  /** `read`: the caller must also be able to view the environment (writes are checked by their actions). */
  private async locate(actor: Actor, projectKey: string, envKey: string, read = false): Promise<Located> {
    const project = await this.projects.require(actor, projectKey);
    const env = read
      ? this.projects.requireVisibleEnvironment(actor, project, envKey)
      : this.projects.requireEnvironment(project, envKey);
    return { project, env };
  }

  /** The release, if it is this flag's in this environment (404 otherwise, as for a missing one). */
  private mine(row: Release | null, at: Located, flagKey: string, id: string): Release {
    if (!row || row.flagKey !== flagKey || row.environmentId !== at.env.id) throw notFound(id);
    return row;
  }
}

/** Keyset cursor: the last row's creation time and id (ties on the time are ordered by id). */
const releaseCursor = (r: Pick<Release, 'createdAt' | 'id'>) => `${r.createdAt.toISOString()}~${r.id}`;

function parseReleaseCursor(cursor: string): { createdAt: Date; id: string } {
  const m =
    /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)~([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
      cursor,
    );
  const createdAt = m ? new Date(m[1]) : undefined;
  if (!m || !createdAt || Number.isNaN(createdAt.getTime()))
    throw new DomainError('release/invalid_cursor', 'cursor must be the `next` value of a previous page');
  return { createdAt, id: m[2] };
}

/** A variation as people know it: its value, and its name when it has one. */
function namedVariation(variations: readonly { _id: string; value: unknown; name?: string }[], id: string) {
  const v = variations.find((x) => x._id === id);
  return v ? { value: v.value, ...(v.name ? { name: v.name } : {}) } : undefined;
}
