import { Inject, Injectable } from '@nestjs/common';
import { applyPatch, parsePatchRequest } from '../../core/identity/scim-patch';
import { USER_SCHEMA } from '../../core/identity/scim-schema';
import { userAfterPatch, userDoc, userFromBody } from '../../core/identity/scim-user';
import { normalizeResource } from '../../core/identity/scim-values';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import type { Actor } from '../accounts/models/actor';
import { ProvisioningService } from '../accounts/provisioning.service';
import { memberCriteria, parseProjection } from './scim-query';
import { answerList, scimBaseUrl, project, userFields, userResource } from './scim-resources';

/** /Users: SCIM's view of members. The protocol is handled here; the records by ProvisioningService. */
@Injectable()
export class ScimUsersService {
  private readonly base: string;

  constructor(
    private readonly provisioning: ProvisioningService,
    @Inject(GANTRY_CONFIG) config: GantryConfig,
  ) {
    this.base = scimBaseUrl(config);
  }

  list(actor: Actor, query: Record<string, unknown>) {
    const find = this.provisioning.findMembers.bind(this.provisioning, actor);
    return answerList(USER_SCHEMA, query, memberCriteria, find, (m) => userResource(m, this.base));
  }

  async get(actor: Actor, id: string, query: Record<string, unknown>) {
    return project(userResource(await this.provisioning.getMember(actor, id), this.base), parseProjection(query));
  }

  async create(actor: Actor, body: unknown) {
    const fields = userFromBody(normalizeResource(USER_SCHEMA, body));
    return userResource(await this.provisioning.createMember(actor, fields), this.base);
  }

  /** PUT replaces what Gantry keeps; externalId and active stay as they are when the body leaves them out. */
  async replace(actor: Actor, id: string, body: unknown) {
    const doc = normalizeResource(USER_SCHEMA, body);
    const m = await this.provisioning.updateMember(actor, id, (current) => {
      const { externalId, active } = userFields(current);
      return userFromBody(doc, { externalId, active });
    });
    return userResource(m, this.base);
  }

  async patch(actor: Actor, id: string, body: unknown) {
    const operations = parsePatchRequest(body);
    const m = await this.provisioning.updateMember(actor, id, (current) => {
      const fields = userFields(current);
      const before = userDoc(fields);
      return userAfterPatch(fields, before, applyPatch(USER_SCHEMA, before, operations));
    });
    return userResource(m, this.base);
  }

  remove(actor: Actor, id: string) {
    return this.provisioning.deleteMember(actor, id);
  }
}
