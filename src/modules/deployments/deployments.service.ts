import { flagKeysForService, parseDeploymentSignal, parseService, servicesOf } from '../../core/deployments';
import { notFound } from '../../core/errors';
import { environmentResource, formatResource } from '../../core/policy';
import type { ClockService } from '../../infra/clock/clock.service';
import type { AuditTrail } from '../accounts/audit-trail';
import type { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import type { FlagsReadModel } from '../flags/flags.read-model';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import type { ProjectsService } from '../projects/projects.service';
import type { WebhookEventsService } from '../webhooks/webhook-events.service';
import { deploymentCursor, parseDeploymentCursor } from './deployment-cursor';
import type { Deployment } from './deployment-records';
import type { DeploymentSignals } from './deployment-signals';
import type { DeploymentStore } from './deployments.repository';
import type { DeploymentListQueryDto, FlagDeploymentListQueryDto, RecordDeploymentDto } from './dto/deployments.dto';
import { deploymentView, type DeploymentView, type RecordedDeploymentView } from './models/deployment.view';

/**
 * A second signal for the same environment, service and version within this window is a repeat (a
 * re-run CI job, a retried curl): it is answered with the first deployment and starts nothing. A
 * redeploy of the same version after the window is a new deployment.
 */
export const REPEAT_WINDOW_MS = 10 * 60 * 1000;
const DEFAULT_PAGE = 50;

type Page = { items: DeploymentView[]; next: string | null };

/** Where the service logs (a Nest Logger named `deployments` in the app; a recorder in the spec). */
export interface DeploymentLog {
  log(message: object): void;
  warn(message: string): void;
}

/** What the service uses of its collaborators: narrow, so the unit spec passes fakes. */
export interface DeploymentsDeps {
  repo: DeploymentStore;
  projects: Pick<
    ProjectsService,
    'require' | 'requireEnvironment' | 'requireVisibleEnvironment' | 'visibleEnvironments'
  >;
  flags: Pick<FlagsReadModel, 'liveDefinitions' | 'definition'>;
  authz: Pick<AuthorizationService, 'assert'>;
  audit: Pick<AuditTrail, 'record'>;
  signals: Pick<DeploymentSignals, 'publish'>;
  webhooks: Pick<WebhookEventsService, 'emit'>;
  /** MetricsService's `gantry_deployments_total`. */
  metrics: { deployments: { inc(labels: { outcome: 'recorded' | 'repeated'; critical: string }): void } };
  clock: Pick<ClockService, 'now'>;
  logger: DeploymentLog;
}

/**
 * Deploy signals: CI tells Gantry a service reached a version in an environment. Recording needs
 * `recordDeployments` on the environment; listing needs to see it. After the row (and its audit
 * entry) is committed, listeners — release plans — are told, with the live flags linked to the
 * service; what they did is the answer's `effects`, and a failing listener fails nothing.
 *
 * A plain class provided by a factory in DeploymentsModule (as ChangeRequestApplyService is): no
 * Nest decorator here, so its unit spec can load it.
 */
export class DeploymentsService {
  private readonly repo: DeploymentStore;
  private readonly logger: DeploymentLog;

  constructor(private readonly deps: DeploymentsDeps) {
    this.repo = deps.repo;
    this.logger = deps.logger;
  }

  async record(actor: Actor, projectKey: string, dto: RecordDeploymentDto): Promise<RecordedDeploymentView> {
    const project = await this.deps.projects.require(actor, projectKey);
    const env = this.deps.projects.requireEnvironment(project, dto.environment);
    const resource = environmentResource(project, env);
    this.deps.authz.assert(actor, 'recordDeployments', resource);
    const signal = parseDeploymentSignal(dto);
    const since = new Date(this.deps.clock.now().getTime() - REPEAT_WINDOW_MS);
    const { deployment, repeated } = await this.repo.transaction(async (tx) => {
      await this.repo.lockSignal(tx, env.id, signal.service, signal.version);
      const recent = await this.repo.findRecent(tx, { environmentId: env.id, ...signal, since });
      if (recent) return { deployment: recent, repeated: true };
      const created = await this.repo.create(tx, {
        projectId: project.id,
        environmentId: env.id,
        ...signal,
        actor: actorRef(actor),
      });
      await this.deps.audit.record(tx, actor, {
        action: 'recordDeployment',
        resource: formatResource(resource),
        after: { service: created.service, version: created.version, commitSha: created.commitSha, url: created.url },
        links: { deployment: { id: created.id, service: created.service, version: created.version } },
      });
      return { deployment: created, repeated: false };
    });
    const flagKeys = flagKeysForService(await this.deps.flags.liveDefinitions(project.id), signal.service);
    const view = deploymentView(deployment, project.key);
    this.deps.metrics.deployments.inc({ outcome: repeated ? 'repeated' : 'recorded', critical: String(env.critical) });
    if (repeated) {
      this.logger.log({ msg: 'deploy signal repeated', deploymentId: deployment.id, ...logFields(view) });
      return { ...view, flagKeys, effects: [], repeated };
    }
    const effects = await this.deps.signals.publish({
      ...deployment,
      projectKey: project.key,
      environmentKey: env.key,
      flagKeys,
      actor: actorRef(actor),
    });
    this.logger.log({
      msg: 'deployment recorded',
      deploymentId: deployment.id,
      ...logFields(view),
      flagKeys,
      effects: effects.length,
    });
    const answer = { ...view, flagKeys, effects, repeated };
    // Webhooks never fail the signal: the deployment is recorded and its effects have happened.
    void this.deps.webhooks
      .emit('deployment.recorded', answer)
      .catch((e: Error) => this.logger.warn(`deployment ${deployment.id}: webhook not emitted: ${e.message}`));
    return answer;
  }

  async listInEnvironment(actor: Actor, projectKey: string, envKey: string, q: DeploymentListQueryDto): Promise<Page> {
    const project = await this.deps.projects.require(actor, projectKey);
    const env = this.deps.projects.requireVisibleEnvironment(actor, project, envKey);
    return this.page(project, [env], q.service !== undefined ? [parseService(q.service)] : undefined, q);
  }

  /** Deployments of the services a flag links to, in the environments the caller may view: its timeline. */
  async listForFlag(actor: Actor, projectKey: string, flagKey: string, q: FlagDeploymentListQueryDto): Promise<Page> {
    const project = await this.deps.projects.require(actor, projectKey);
    const envs = q.environment
      ? [this.deps.projects.requireVisibleEnvironment(actor, project, q.environment)]
      : this.deps.projects.visibleEnvironments(actor, project);
    const flag = await this.deps.flags.definition(project.key, flagKey);
    if (!flag) throw notFound('flag', flagKey);
    const services = servicesOf(flag);
    if (!services.length) return { items: [], next: null };
    return this.page(project, envs, services, q);
  }

  private async page(
    project: ProjectContext,
    envs: EnvironmentContext[],
    services: string[] | undefined,
    q: { limit?: number; before?: string },
  ): Promise<Page> {
    const limit = q.limit ?? DEFAULT_PAGE;
    const rows: Deployment[] = await this.repo.list({
      projectId: project.id,
      environmentIds: envs.map((e) => e.id),
      services,
      before: q.before !== undefined ? parseDeploymentCursor(q.before) : undefined,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((d) => deploymentView(d, project.key)),
      next: rows.length > limit ? deploymentCursor(last) : null,
    };
  }
}

const logFields = (v: DeploymentView) => ({
  project: v.projectKey,
  environment: v.environmentKey,
  service: v.service,
  version: v.version,
  commitSha: v.commitSha,
  actor: `${v.actor.kind}:${v.actor.id}`,
});
