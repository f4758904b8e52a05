import { Injectable } from '@nestjs/common';
import { breakGlassOf, type BreakGlass } from '../write-path/break-glass';
import { EnvironmentGovernanceService } from './environment-governance.service';
import { environmentResource, formatResource } from '../../core/policy';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';
import { AuthorizationService } from '../accounts/authorization.service';
import type { Actor } from '../accounts/models/actor';
import { AuditService } from '../audit/audit.service';
import { SdkKeysNotifier } from '../projects/sdk-keys-notifier';
import { FlagCreationService } from '../flags/flag-creation.service';
import type { CreateEnvironmentDto, RotateKeyDto, UpdateEnvironmentDto } from '../projects/dto/projects.dto';
import { newEnvironmentKeys, newMobileKey, newSdkKey } from '../projects/environment-keys';
import { ProjectsRepository } from '../projects/projects.repository';
import { ProjectsService } from '../projects/projects.service';
import { environmentAuditView, environmentView } from '../projects/views';

@Injectable()
export class EnvironmentsService {
  constructor(
    private readonly repo: ProjectsRepository,
    private readonly projects: ProjectsService,
    private readonly flags: FlagCreationService,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditService,
    private readonly sdkKeys: SdkKeysNotifier,
    private readonly governance: EnvironmentGovernanceService,
  ) {}

  async list(actor: Actor, projectKey: string) {
    return { items: (await this.projects.get(actor, projectKey)).environments };
  }

  async get(actor: Actor, projectKey: string, envKey: string) {
    const p = await this.projects.require(actor, projectKey);
    const e = this.projects.requireVisibleEnvironment(actor, p, envKey);
    return environmentView(e, this.authz.can(actor, 'viewSdkKey', environmentResource(p, e)));
  }

  /** Every existing flag of the project gets its configuration here, from the flag's defaults. */
  async create(actor: Actor, projectKey: string, dto: CreateEnvironmentDto) {
    const p = await this.projects.require(actor, projectKey);
    const data = {
      key: dto.key,
      name: dto.name,
      color: dto.color ?? '417505',
      critical: dto.critical ?? false,
      tags: dto.tags ?? [],
      ...newEnvironmentKeys(),
    };
    this.authz.assert(actor, 'createEnvironment', environmentResource(p, data));
    const view = await this.repo.transaction(async (tx) => {
      await this.repo.lockProject(tx, p.id);
      const e = await this.repo.createEnvironment(tx, p.id, data).catch(rethrowDuplicate('environment', dto.key));
      await this.flags.initializeEnvironment(tx, actor, p, e);
      await this.audit.record(tx, actor, {
        action: 'createEnvironment',
        resource: formatResource(environmentResource(p, e)),
        after: environmentAuditView(e),
      });
      return environmentView(e, this.authz.can(actor, 'viewSdkKey', environmentResource(p, e)));
    });
    // Relay feeds with a `*` scope send the new environment to their edges when told of it.
    await this.sdkKeys.changed();
    return view;
  }

  /** Through the environment's governance write path: lowering `critical` where approval is required is gated. */
  async update(actor: Actor, projectKey: string, envKey: string, dto: UpdateEnvironmentDto, bypassHeader?: BreakGlass) {
    const p = await this.projects.require(actor, projectKey);
    const e = this.projects.requireEnvironment(p, envKey);
    const { bypass, ...fields } = dto;
    const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    if (!Object.keys(changes).length)
      return environmentView(e, this.authz.can(actor, 'viewSdkKey', environmentResource(p, e)));
    const { env, bypassed } = await this.governance.write(actor, p, e, [{ kind: 'updateEnvironment', ...changes }], {
      bypass: breakGlassOf(bypass, bypassHeader),
    });
    const view = environmentView(env!, this.authz.can(actor, 'viewSdkKey', environmentResource(p, env!)));
    return bypassed.length ? { ...view, approvalBypassed: bypassed } : view;
  }

  /** Issues a new SDK or mobile key; the old one stops working at once. */
  async rotate(actor: Actor, projectKey: string, envKey: string, dto: RotateKeyDto) {
    const p = await this.projects.require(actor, projectKey);
    const e = this.projects.requireEnvironment(p, envKey);
    this.authz.assert(actor, 'rotateSdkKey', environmentResource(p, e));
    this.authz.assert(actor, 'viewSdkKey', environmentResource(p, e));
    const view = await this.repo.transaction(async (tx) => {
      const after = await this.repo.updateEnvironment(
        tx,
        e.id,
        dto.key === 'sdkKey' ? { sdkKey: newSdkKey() } : { mobileKey: newMobileKey() },
      );
      await this.audit.record(tx, actor, {
        action: 'rotateSdkKey',
        resource: formatResource(environmentResource(p, e)),
        comment: `rotated ${dto.key}`,
      });
      return environmentView(after, true);
    });
    // The old key stops working on every node once they reload.
    await this.sdkKeys.changed();
    return view;
  }

  /** Deleting an environment where approval is required needs a reviewed change request or break-glass. */
  async remove(actor: Actor, projectKey: string, envKey: string, bypass?: BreakGlass) {
    const p = await this.projects.require(actor, projectKey);
    const e = this.projects.requireEnvironment(p, envKey);
    await this.governance.write(actor, p, e, [{ kind: 'deleteEnvironment' }], { bypass });
  }

  async removeProject(actor: Actor, projectKey: string, bypass?: BreakGlass): Promise<void> {
    await this.governance.deleteProject(actor, await this.projects.require(actor, projectKey), bypass);
  }
}
