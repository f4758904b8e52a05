import { Args, Query, Resolver } from '@nestjs/graphql';
import { CurrentActor } from '../accounts/current-actor.decorator';
import type { Actor } from '../accounts/models/actor';
import { AuditLogArgs } from './dto/audit.input';
import { AuditService } from './audit.service';
import { AuditChainCheckModel, AuditEntryModel, AuditPageModel } from './models/audit-entry.model';

/** GraphQL twin of AuditController. */
@Resolver()
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditPageModel) auditLog(@CurrentActor() a: Actor, @Args() q: AuditLogArgs) {
    return this.audit.list(a, q);
  }
  @Query(() => AuditEntryModel) auditEntry(@CurrentActor() a: Actor, @Args('id') id: string) {
    return this.audit.get(a, id);
  }
  @Query(() => AuditChainCheckModel, { description: 'recomputes the hash chain (REST: GET /audit-log/verify)' })
  auditChain(@CurrentActor() a: Actor) {
    return this.audit.verify(a);
  }
}
