import { Injectable } from '@nestjs/common';
import { notFound } from '../../core/errors';
import { formatResource, roleResource, validatePolicy } from '../../core/policy';
import { AuditTrail } from './audit-trail';
import { AccountsRepository } from './accounts.repository';
import { AuthorizationService } from './authorization.service';
import type { CreateRoleDto, UpdateRoleDto } from './dto/accounts.dto';
import type { Actor } from './models/actor';
import { rethrowDuplicate } from '../../infra/prisma/prisma-errors';

const view = (r: { id: string; key: string; name: string; description: string; policy: unknown }) => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  policy: r.policy,
});

@Injectable()
export class RolesService {
  constructor(
    private readonly repo: AccountsRepository,
    private readonly authz: AuthorizationService,
    private readonly audit: AuditTrail,
  ) {}

  async list(actor: Actor) {
    this.authz.assert(actor, 'manageRoles', roleResource('*'));
    return { items: (await this.repo.listRoles()).map(view) };
  }

  async get(actor: Actor, key: string) {
    this.authz.assert(actor, 'manageRoles', roleResource(key));
    const r = await this.repo.findRole(key);
    if (!r) throw notFound('role', key);
    return view(r);
  }

  async create(actor: Actor, dto: CreateRoleDto) {
    this.authz.assert(actor, 'manageRoles', roleResource(dto.key));
    const policy = validatePolicy(dto.policy);
    return this.repo.transaction(async (tx) => {
      const created = await this.repo
        .createRole(tx, { key: dto.key, name: dto.name, description: dto.description ?? '', policy })
        .catch(rethrowDuplicate('role', dto.key));
      await this.audit.record(tx, actor, {
        action: 'createRole',
        resource: formatResource(roleResource(dto.key)),
        after: view(created),
      });
      return view(created);
    });
  }

  async update(actor: Actor, key: string, dto: UpdateRoleDto) {
    this.authz.assert(actor, 'manageRoles', roleResource(key));
    const policy = dto.policy ? validatePolicy(dto.policy) : undefined;
    return this.repo.transaction(async (tx) => {
      const before = await this.repo.findRole(key, tx);
      if (!before) throw notFound('role', key);
      const after = await this.repo.updateRole(tx, key, { name: dto.name, description: dto.description, policy });
      await this.audit.record(tx, actor, {
        action: 'updateRole',
        resource: formatResource(roleResource(key)),
        before: view(before),
        after: view(after),
      });
      return view(after);
    });
  }

  async remove(actor: Actor, key: string) {
    this.authz.assert(actor, 'manageRoles', roleResource(key));
    await this.repo.transaction(async (tx) => {
      const before = await this.repo.findRole(key, tx);
      if (!before) throw notFound('role', key);
      await this.repo.deleteRole(tx, key);
      await this.audit.record(tx, actor, {
        action: 'deleteRole',
        resource: formatResource(roleResource(key)),
        before: view(before),
      });
    });
  }
}
