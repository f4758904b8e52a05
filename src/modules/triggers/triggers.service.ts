import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import { flagResource, formatResource, type ResourceRef } from '../../core/policy';
import type { Tx } from '../../infra/prisma/tx';
import { AuthorizationService } from '../accounts/authorization.service';
import { actorRef, type Actor } from '../accounts/models/actor';
import { approvalSettingsOf } from '../write-path/approval-gate';
import { AutomationGate, withBypassNotices } from '../write-path/automation-gate';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import type { BypassNotice } from '../write-path/bypass-ledger';
import { AuditService } from '../audit/audit.service';
import { FlagWriteService } from '../flags/flag-write.service';
import { ProjectsService } from '../projects/projects.service';
import type { CreateTriggerDto, UpdateTriggerDto } from './dto/triggers.dto';
import { triggerAuditView, triggerView, type CreatedTriggerView, type TriggerView } from './models/trigger.view';
import { triggerNotFound } from './trigger-errors';
import { instructionsOf, normalizeAction, triggerApprovalReasons } from './trigger-action';
import { newTriggerSecret, TRIGGER_PATH, type NewTriggerSecret } from './trigger-secret';
import type { Trigger, TriggerCreator } from './trigger-records';
import { TriggersRepository } from './triggers.repository';
import { FlagsReadModel } from '../flags/flags.read-model';
import type { EnvironmentContext, ProjectContext } from '../projects/project-context';

interface Located {
  project: ProjectContext;
  env: EnvironmentContext;
  /** The flag as policies see it (key and tags). */
  resource: ResourceRef;
}

/**
 * Managing triggers: viewing needs viewProject; everything else manageTriggers on the flag in the
 * environment. Creating one validates its action like a PATCH by the creator, and in an environment
 * whose approval settings gate that change is break-glass (bypassRequiredApproval and a reason; a
 * retroactive review is opened, see AutomationGate): a trigger URL is a standing permission to make
 * the change, for whoever holds it.
 */
@Injectable()
export class TriggersService {
  constructor(
    private readonly repo: TriggersRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagWriteService,
    private readonly flagsRead: FlagsReadModel,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly gate: AutomationGate,
  ) {}

  async list(actor: Actor, projectKey: string, flagKey: string, envKey: string): Promise<{ items: TriggerView[] }> {
    const { env } = await this.locate(actor, projectKey, flagKey, envKey, true);
    return { items: (await this.repo.list(env.id, flagKey)).map(triggerView) };
  }

  async get(actor: Actor, projectKey: string, flagKey: string, envKey: string, id: string): Promise<TriggerView> {
    const at = await this.locate(actor, projectKey, flagKey, envKey, true);
    return triggerView(await this.require(at, flagKey, id));
  }

  async create(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    dto: CreateTriggerDto,
    origin: string,
    bypassHeader?: BreakGlass,
  ): Promise<CreatedTriggerView & { approvalBypassed?: BypassNotice[] }> {
    const { project, env, resource } = await this.locate(actor, projectKey, flagKey, envKey);
    this.authz.assert(actor, 'manageTriggers', resource);
    const action = normalizeAction(dto.action);
    // The creator must be allowed to make the change themselves, and it must apply to the flag now.
    const instructions = instructionsOf(action);
    const dry = await this.flags.dryRun(actor, project, env, flagKey, instructions);
    const reasons = triggerApprovalReasons(approvalSettingsOf(project, env), action, dry);
    // No change request can carry a trigger, hence no path: break-glass is the only way in a gated environment.
    const gated = this.gate.check(
      actor,
      [{ project, env, flagKey, resource, reasons, instructions, version: dry.version }],
      null,
      breakGlassOf(dto.bypass, bypassHeader),
    );
    // Where nothing is gated, `bypass` stays what it was: whether the creator may bypass there.
    const creator: TriggerCreator = gated.bypassed.length
      ? this.gate.creator(actor, gated)
      : { ...actorRef(actor), bypass: this.authz.can(actor, 'bypassRequiredApproval', resource) };
    const secret = newTriggerSecret();
    const { row, opened } = await this.repo.transaction(async (tx) => {
      const created = await this.repo.create(tx, {
        environmentId: env.id,
        flagKey,
        name: dto.name,
        action,
        enabled: dto.enabled ?? true,
        secretHash: secret.hash,
        secretHint: secret.hint,
        createdBy: creator,
      });
      const bypasses = await this.gate.open(tx, actor, gated);
      await this.audit.record(tx, actor, {
        action: 'createTrigger',
        resource: formatResource(resource),
        after: triggerAuditView(created),
        links: { trigger: { id: created.id, name: created.name }, ...bypasses.links },
      });
      return { row: created, opened: bypasses };
    });
    this.gate.announce(actor, opened);
    return withBypassNotices(this.withSecret(row, secret, origin), opened);
  }

  async update(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    id: string,
    dto: UpdateTriggerDto,
  ): Promise<TriggerView> {
    const at = await this.locate(actor, projectKey, flagKey, envKey);
    this.authz.assert(actor, 'manageTriggers', at.resource);
    await this.require(at, flagKey, id);
    const row = await this.repo.transaction(async (tx) => {
      const locked = await this.lock(tx, id);
      const name = dto.name ?? locked.name;
      const enabled = dto.enabled ?? locked.enabled;
      if (name === locked.name && enabled === locked.enabled) return locked;
      const next = await this.repo.update(tx, id, { name, enabled });
      await this.audit.record(tx, actor, {
        action: 'updateTrigger',
        resource: formatResource(at.resource),
        before: { name: locked.name, enabled: locked.enabled },
        after: { name, enabled },
        links: { trigger: { id, name } },
      });
      return next;
    });
    return triggerView(row);
  }

  /**
   * A new secret; the old URL stops working at once. Whoever rotates learns a URL that carries the
   * creator's standing permission, so rotating a trigger that bypasses approval needs bypass too.
   */
  async rotate(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    id: string,
    origin: string,
  ): Promise<CreatedTriggerView> {
    const at = await this.locate(actor, projectKey, flagKey, envKey);
    this.authz.assert(actor, 'manageTriggers', at.resource);
    const current = await this.require(at, flagKey, id);
    if (current.createdBy.bypass && !this.authz.can(actor, 'bypassRequiredApproval', at.resource)) {
      throw new DomainError(
        'approval/required',
        `trigger '${id}' was created by someone allowed bypassRequiredApproval; only such a member may rotate it and see its new URL`,
      );
    }
    const secret = newTriggerSecret();
    const row = await this.repo.transaction(async (tx) => {
      const locked = await this.lock(tx, id);
      const next = await this.repo.update(tx, id, { secretHash: secret.hash, secretHint: secret.hint });
      await this.audit.record(tx, actor, {
        action: 'rotateTrigger',
        resource: formatResource(at.resource),
        before: { secretHint: locked.secretHint },
        after: { secretHint: next.secretHint },
        links: { trigger: { id, name: next.name } },
      });
      return next;
    });
    return this.withSecret(row, secret, origin);
  }

  async remove(actor: Actor, projectKey: string, flagKey: string, envKey: string, id: string): Promise<void> {
    const at = await this.locate(actor, projectKey, flagKey, envKey);
    this.authz.assert(actor, 'manageTriggers', at.resource);
    await this.require(at, flagKey, id);
    await this.repo.transaction(async (tx) => {
      const locked = await this.lock(tx, id);
      await this.repo.remove(tx, id);
      await this.audit.record(tx, actor, {
        action: 'deleteTrigger',
        resource: formatResource(at.resource),
        before: triggerAuditView(locked),
        links: { trigger: { id, name: locked.name } },
      });
    });
  }

  /** The project (viewable by the caller), the environment, and the flag, which must exist. */
  private async locate(
    actor: Actor,
    projectKey: string,
    flagKey: string,
    envKey: string,
    read = false,
  ): Promise<Located> {
    const project = await this.projects.require(actor, projectKey);
    // `read`: the caller must also be able to view the environment (writes are checked by their actions).
    const env = read
      ? this.projects.requireVisibleEnvironment(actor, project, envKey)
      : this.projects.requireEnvironment(project, envKey);
    const tags = await this.flagsRead.tags(project.id, flagKey);
    if (!tags) throw notFound('flag', flagKey);
    return { project, env, resource: flagResource(project, env, { key: flagKey, tags }) };
  }

  /** The trigger, if it is one of this flag's in this environment (404 otherwise, not a hint it exists elsewhere). */
  private async require(at: Located, flagKey: string, id: string): Promise<Trigger> {
    const row = await this.repo.find(id);
    if (!row || row.environmentId !== at.env.id || row.flagKey !== flagKey) throw triggerNotFound(id);
    return row;
  }

  private async lock(tx: Tx, id: string): Promise<Trigger> {
    const locked = await this.repo.findForUpdate(tx, id);
    if (!locked) throw triggerNotFound(id);
    return locked;
  }

  private withSecret(row: Trigger, secret: NewTriggerSecret, origin: string): CreatedTriggerView {
    return { ...triggerView(row), url: `${origin}${TRIGGER_PATH}/${secret.secret}`, secret: secret.secret };
  }
}
