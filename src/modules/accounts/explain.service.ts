import { Injectable } from '@nestjs/common';
import { DomainError, notFound } from '../../core/errors';
import {
  compilePolicy,
  memberResource,
  parseResourceRef,
  personalTokenResource,
  serviceTokenResource,
  type Decision,
} from '../../core/policy';
import { AccountsRepository } from './accounts.repository';
import { AuthorizationService } from './authorization.service';
import type { ExplainDto } from './dto/accounts.dto';
import type { Actor } from './models/actor';
import { memberPolicySources, servicePolicySources } from './policy-sources';
import { ResourceAttributesRepository } from './resource-attributes.repository';

/** Answers "may X do this action on that resource, and which statement decided it?". */
@Injectable()
export class ExplainService {
  constructor(
    private readonly repo: AccountsRepository,
    private readonly attributes: ResourceAttributesRepository,
    private readonly authz: AuthorizationService,
  ) {}

  async explain(actor: Actor, dto: ExplainDto): Promise<Decision & { subject: { kind: string; id: string } }> {
    if (dto.tokenId && dto.memberId) throw new DomainError('request/invalid', 'give tokenId or memberId, not both');
    const resource = await this.attributes.enrich(parseResourceRef(dto.resource));
    const { policy, subject } = await this.subjectPolicy(actor, dto);
    return { ...policy.explain(dto.action, resource), subject };
  }

  private async subjectPolicy(actor: Actor, dto: ExplainDto) {
    if (dto.memberId && dto.memberId !== actor.memberId) {
      this.authz.assert(actor, 'viewMembers', memberResource(dto.memberId));
      const m = await this.repo.findMember(dto.memberId);
      if (!m) throw notFound('member', dto.memberId);
      return { policy: compilePolicy(memberPolicySources(m)), subject: { kind: 'member', id: m.id } };
    }
    if (dto.tokenId && dto.tokenId !== actor.tokenId) {
      const t = await this.repo.findToken(dto.tokenId);
      if (!t) throw notFound('token', dto.tokenId);
      this.authz.assert(
        actor,
        'manageTokens',
        t.memberId ? personalTokenResource(t.memberId, t.id) : serviceTokenResource(t.id),
      );
      if (t.memberId) {
        const m = await this.repo.findMember(t.memberId);
        if (!m) throw notFound('member', t.memberId);
        return { policy: compilePolicy(memberPolicySources(m)), subject: { kind: 'token', id: t.id } };
      }
      const roles = await this.repo.findRolesByKeys(t.customRoleKeys);
      return { policy: compilePolicy(servicePolicySources(t, roles)), subject: { kind: 'token', id: t.id } };
    }
    return { policy: actor.policy, subject: { kind: actor.kind, id: actor.id } };
  }
}
