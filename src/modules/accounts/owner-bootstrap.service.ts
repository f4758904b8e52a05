import { Inject, Injectable, Logger } from '@nestjs/common';
import { formatResource, memberResource, personalTokenResource } from '../../core/policy';
import { GANTRY_CONFIG, type GantryConfig } from '../../infra/config/config';
import { AuditTrail } from './audit-trail';
import { AccountsRepository } from './accounts.repository';
import { memberView } from './member-view';
import { systemActor } from './system-actor';
import { hashSecret, newTokenSecret, secretHint } from './token-secret';
import { tokenView } from './tokens.service';

export const OWNER_EMAIL = 'owner@gantry.local';

/**
 * First start: make sure an owner and an owner token exist. GANTRY_ADMIN_TOKEN, when set, becomes
 * that token; otherwise one is generated and printed once to stdout (never to the log stream).
 */
@Injectable()
export class OwnerBootstrapService {
  private readonly logger = new Logger('bootstrap');

  constructor(
    private readonly repo: AccountsRepository,
    private readonly audit: AuditTrail,
    @Inject(GANTRY_CONFIG) private readonly config: GantryConfig,
  ) {}

  async ensureOwnerToken(print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
    const generated = await this.repo.transaction(async (tx) => {
      await this.repo.lockBootstrap(tx);
      if (await this.repo.findOwnerToken(tx)) return undefined;
      const actor = systemActor('bootstrap');
      let owner = await this.repo.findMemberByEmail(OWNER_EMAIL, tx);
      if (!owner) {
        owner = await this.repo.createMember(tx, {
          email: OWNER_EMAIL,
          name: 'Owner',
          role: 'owner',
          roleIds: [],
          teamIds: [],
        });
        await this.audit.record(tx, actor, {
          action: 'createMember',
          resource: formatResource(memberResource(owner.id)),
          after: memberView(owner),
        });
      }
      const secret = this.config.adminToken ?? newTokenSecret();
      const token = await this.repo.createToken(tx, {
        name: 'owner',
        hash: hashSecret(secret),
        hint: secretHint(secret),
        memberId: owner.id,
        isOwnerToken: true,
        customRoleKeys: [],
        createdById: 'system',
      });
      await this.audit.record(tx, actor, {
        action: 'createToken',
        resource: formatResource(personalTokenResource(owner.id, token.id)),
        after: tokenView(token),
      });
      return this.config.adminToken ? undefined : secret;
    });
    if (generated) {
      this.logger.warn('generated the owner access token; it is printed once on stdout and cannot be shown again');
      print(`\nGantry owner access token (shown once, store it now):\n  ${generated}\n`);
    }
  }
}
