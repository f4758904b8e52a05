import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { FlagDefinition, FlagEnvironmentConfig } from '../../core/model/flag-config';
import { buildFlagDefinition, initialEnvironmentConfig, type NewFlagInput } from '../../core/model/new-flag';
import { toSdkFlag } from '../../core/model/sdk-shape';
import { flagResource, formatResource } from '../../core/policy';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { OutboxRepository } from '../outbox/outbox.repository';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';
import { ProjectsRepository } from '../projects/projects.repository';
import { ProjectsService } from '../projects/projects.service';
import type { CreateFlagDto } from './dto/flags.dto';
import { ANY_ENV, assertInEveryEnvironment } from './flag-authorization';
import { FlagLocksRepository } from './flag-locks.repository';
import { FlagsRepository } from './flags.repository';
import { flagView, withEnvironments, type FlagView } from './models/flag.view';
import { GuardrailChecks } from '../guardrails/guardrail-checks';

const newSalt = () => randomBytes(16).toString('hex');

/**
 * Where flag configurations begin: a new flag gets one in every environment of its project, and a
 * new environment one for every flag, each from the flag's defaults, with its first version
 * snapshot, an outbox row and (for a flag) an audit entry. Later changes go through FlagWriteService.
 */
@Injectable()
export class FlagCreationService {
  constructor(
    private readonly repo: FlagsRepository,
    private readonly locks: FlagLocksRepository,
    private readonly projects: ProjectsService,
    private readonly projectRows: ProjectsRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxRepository,
    private readonly guardrails: GuardrailChecks,
  ) {}

  async create(actor: Actor, projectKey: string, dto: CreateFlagDto): Promise<FlagView> {
    const project = await this.projects.require(actor, projectKey);
    const def = buildFlagDefinition(dto as NewFlagInput, randomUUID);
    assertInEveryEnvironment(this.authz, actor, 'createFlag', project, def);
    return this.repo.transaction(async (tx) => {
      await this.projectRows.lockProject(tx, project.id);
      // Guardrails (key pattern, tags, maintainer, removal date): 422 before anything is written.
      const warnings = await this.guardrails.flagCreation(tx, project.id, def);
      const row = await this.repo.create(tx, project.id, def).catch(rethrowDuplicate('flag', dto.key));
      const configs: Record<string, FlagEnvironmentConfig> = {};
      for (const env of await this.projectRows.listEnvironments(tx, project.id)) {
        configs[env.key] = initialEnvironmentConfig(def, newSalt());
        await this.insertConfig(tx, actor, project.key, row.id, env, def, configs[env.key]);
      }
      await this.audit.record(tx, actor, {
        action: 'createFlag',
        resource: formatResource(flagResource(project, ANY_ENV, def)),
        after: { flag: def, environments: configs },
        currentVersion: 1,
        ...(warnings.length ? { links: { guardrailWarnings: warnings } } : {}),
      });
      const visible = new Set(this.projects.visibleEnvironments(actor, project).map((e) => e.key));
      const view = withEnvironments(flagView(def.key, def, configs, 1), visible);
      return warnings.length ? { ...view, warnings } : view;
    });
  }

  /**
   * A new environment gets a configuration for every flag of its project, from the flag's defaults.
   * The caller holds the project lock, so no flag can be created unseen meanwhile.
   */
  async initializeEnvironment(tx: Tx, actor: Actor, project: ProjectContext, env: EnvironmentContext): Promise<void> {
    // Not racing a flag-level write: each new configuration starts from the definition that stays.
    await this.locks.lockAllShared(tx, project.id);
    for (const row of await this.repo.listAll(tx, project.id)) {
      const def = row.definition;
      await this.insertConfig(tx, actor, project.key, row.id, env, def, initialEnvironmentConfig(def, newSalt()));
    }
  }

  private async insertConfig(
    tx: Tx,
    actor: Actor,
    projectKey: string,
    flagId: string,
    env: EnvironmentContext,
    def: FlagDefinition,
    config: FlagEnvironmentConfig,
  ) {
    const fe = await this.repo.createConfig(tx, flagId, env.id, config);
    await this.repo.insertVersion(tx, {
      flagEnvironmentId: fe.id,
      version: config.version,
      definition: def,
      config,
      actor: actorRef(actor),
      comment: '',
    });
    await this.outbox.enqueue(tx, {
      environmentId: env.id,
      kind: 'flag',
      key: def.key,
      version: config.version,
      payload: toSdkFlag(def, config),
      meta: { actor: { ...actorRef(actor) }, projectKey, environmentKey: env.key },
    });
  }
}
