import { Inject, Injectable } from '@nestjs/common';
import { groupAfterPatch, groupDoc, groupFromBody } from '../../core/identity/scim-group';
import { applyPatch, parsePatchRequest } from '../../core/identity/scim-patch';
import { GROUP_SCHEMA } from '../../core/identity/scim-schema';
import { normalizeResource } from '../../core/identity/scim-values';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import type { DirectoryTeam } from '../accounts/account-records';
import type { Actor } from '../accounts/models/actor';
import { ProvisioningService } from '../accounts/provisioning.service';
import { parseProjection, teamCriteria } from './scim-query';
import { answerList, scimBaseUrl, groupResource, project } from './scim-resources';

const groupFields = (t: DirectoryTeam) => ({
  name: t.name,
  externalId: t.externalId,
  memberIds: t.members.map((m) => m.id),
});

/**
 * /Groups: SCIM's view of teams. Membership changes re-map the roles of provider-managed members
 * (ProvisioningService). PATCH answers 204, as Okta and Entra ID expect of groups.
 */
@Injectable()
export class ScimGroupsService {
  private readonly base: string;

  constructor(
    private readonly provisioning: ProvisioningService,
    @Inject(GANTRY_CONFIG) config: GantryConfig,
  ) {
    this.base = scimBaseUrl(config);
  }

  list(actor: Actor, query: Record<string, unknown>) {
    const find = this.provisioning.findTeams.bind(this.provisioning, actor);
    return answerList(GROUP_SCHEMA, query, teamCriteria, find, (t) => groupResource(t, this.base));
  }

  async get(actor: Actor, id: string, query: Record<string, unknown>) {
    return project(groupResource(await this.provisioning.getTeam(actor, id), this.base), parseProjection(query));
  }

  async create(actor: Actor, body: unknown) {
    const fields = groupFromBody(normalizeResource(GROUP_SCHEMA, body));
    return groupResource(await this.provisioning.createTeam(actor, fields), this.base);
  }

  async replace(actor: Actor, id: string, body: unknown) {
    const doc = normalizeResource(GROUP_SCHEMA, body);
    const t = await this.provisioning.updateTeam(actor, id, (current) => groupFromBody(doc, current.externalId));
    return groupResource(t, this.base);
  }

  async patch(actor: Actor, id: string, body: unknown): Promise<void> {
    const operations = parsePatchRequest(body);
    await this.provisioning.updateTeam(actor, id, (current) =>
      groupAfterPatch(applyPatch(GROUP_SCHEMA, groupDoc(groupFields(current)), operations)),
    );
  }

  remove(actor: Actor, id: string) {
    return this.provisioning.deleteTeam(actor, id);
  }
}
