import { Injectable } from '@nestjs/common';
import { DomainError } from '../../core/errors';
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
    return this.repo.transaction(async (tx) => {
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
  }

  async update(actor: Actor, projectKey: string, envKey: string, dto: UpdateEnvironmentDto) {
    const p = await this.projects.require(actor, projectKey);
    const e = this.projects.requireEnvironment(p, envKey);
    this.authz.assert(actor, 'updateEnvironment', environmentResource(p, e));
    // Lowering `critical` removes protection, so it is checked against the environment as it would become too.
    if (dto.critical !== undefined)
      this.authz.assert(actor, 'updateEnvironment', environmentResource(p, { ...e, critical: dto.critical }));
    return this.repo.transaction(async (tx) => {
      const after = await this.repo.updateEnvironment(tx, e.id, {
        name: dto.name,
        color: dto.color,
        critical: dto.critical,
        tags: dto.tags,
      });
      await this.audit.record(tx, actor, {
        action: 'updateEnvironment',
        resource: formatResource(environmentResource(p, e)),
        before: environmentAuditView(e),
        after: environmentAuditView(after),
      });
      return environmentView(after, this.authz.can(actor, 'viewSdkKey', environmentResource(p, after)));
    });
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

  async remove(actor: Actor, projectKey: string, envKey: string) {
    const p = await this.projects.require(actor, projectKey);
    const e = this.projects.requireEnvironment(p, envKey);
    this.authz.assert(actor, 'deleteEnvironment', environmentResource(p, e));
    if (p.environments.length === 1)
      throw new DomainError('environment/last', 'a project keeps at least one environment');
    await this.repo.transaction(async (tx) => {
      await this.repo.deleteEnvironment(tx, e.id);
      await this.audit.record(tx, actor, {
        action: 'deleteEnvironment',
        resource: formatResource(environmentResource(p, e)),
        before: environmentAuditView(e),
      });
    });
    await this.sdkKeys.changed();
  }
}
